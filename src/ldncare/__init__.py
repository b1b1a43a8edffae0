"""ldncare — an open-source system for low-dose naltrexone (LDN) therapy.

The framework-free scientific and clinical logic lives in :mod:`ldncare.core`; the Django
web platform in :mod:`ldncare.web` and the command line in :mod:`ldncare.cli` are thin
shells around it. Nothing here is medical advice: ldncare supports decisions that
patients make with their prescribers.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ldncare")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
