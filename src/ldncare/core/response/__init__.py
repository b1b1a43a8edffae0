"""Is it working for me?

Diary parsing and validation, response analysis with autocorrelation-aware statistics,
side-effect courses, adherence, and the design and analysis of blinded n-of-1 trials.
"""
