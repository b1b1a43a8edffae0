"""The pharmacology simulator.

Naltrexone and 6β-naltrexol pharmacokinetics, brain opioid-receptor occupancy, the
endorphin-rebound *hypothesis* (labelled as such), formulations, regimens as dose-event
tables, population runs and SBML export. Every parameter carries its provenance.
"""
