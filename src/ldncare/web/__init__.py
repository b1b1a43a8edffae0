"""The Django web platform: a thin shell over :mod:`ldncare.core`.

One settings module (:mod:`ldncare.web.settings`, driven by the environment), one URL
configuration, and one app per domain (``accounts`` first; the library, therapy, diary
and clinic apps follow). Views stay thin: they validate input, call the core or a
service, and render.
"""
