"""The compounding calculator's shared arithmetic: exact numbers, ranges, the error type.

>>> _dec(Fraction(9, 2))
Decimal('4.5')
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from ldncare.core.dosing.devices import to_fraction

__all__ = ["DISCLAIMER", "MAX_CAPSULES", "MAX_DAYS", "MIN_DOSE_MG", "CompoundingError"]


class CompoundingError(ValueError):
    """Input the calculator cannot use; the message says what was wrong and what is allowed."""


MAX_DAYS = 365
MAX_CAPSULES = 1000
DISCLAIMER = "Not medical advice: the prescriber decides the dose; the pharmacist checks every number."


def _dec(value: Fraction | int) -> Decimal:
    value = Fraction(value)
    number = Decimal(value.numerator) / Decimal(value.denominator)
    if Fraction(number) != value:
        number = number.quantize(Decimal("0.0001"))
    number = number.normalize()
    return number.quantize(Decimal(1)) if number == number.to_integral() else number


def _pct(value: Fraction) -> Decimal:
    """A percentage to 2 decimal places (display only; the dose arithmetic stays exact)."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"))


def _number(value, name: str) -> Fraction:
    try:
        number = to_fraction(value)
    except (ArithmeticError, ValueError, TypeError):
        raise CompoundingError(f"{name} must be a number, got {value!r}") from None
    return number


# The smallest amount of drug a preparation can carry that anyone could measure: 0.01 mL
# (the finest syringe graduation in the device data) of the weakest allowed liquid, 0.1 mg/mL.
MIN_DOSE_MG = Fraction(1, 1000)


def _check(value: Fraction, name: str, low, high, unit: str) -> None:
    if value < MIN_DOSE_MG and value > 0:
        raise CompoundingError(
            f"{name} {float(value):.3g} {unit} is too small to prepare; allowed: at least "
            f"{_dec(MIN_DOSE_MG)} and at most {high} {unit}"
        )
    if not (Fraction(low) < value <= Fraction(high)):
        raise CompoundingError(f"{name} {_dec(value)} {unit} is out of range; allowed: more than {low} and at most {high} {unit}")
