"""Measuring devices (oral syringes) and whether a volume can be measured with them.

A volume is *measurable* with a device when it fits in the device and falls exactly on one
of its graduation lines. Arithmetic is exact (:class:`fractions.Fraction`), so 0.3 mL is on
a 0.1 mL line and 0.25 mL is not.

Devices are tried smallest first ("use the smallest syringe you can"), and at equal size the
coarser-graduated record first: a volume on a 0.02 mL line is measurable with any 1 mL oral
syringe, so the 0.01 mL syringe is named only when a volume needs it.

Each device's capacity and line spacing is a data record with its sources
(``knowledge/data/compounding.yaml``): 1 mL 0.02 (and 0.01) mL, 3 mL 0.1 mL, 5 mL and 10 mL
0.2 mL. A volume that falls between lines has no device here; the compounding calculator then
warns and suggests a concentration that lands on a line.

>>> pick_device(Decimal("0.5")).id
'syringe-1ml'
>>> pick_device(Decimal("0.25")).id
'syringe-1ml-fine'
>>> pick_device(Decimal("4.4")).id
'syringe-5ml'
>>> pick_device(Decimal("4.5")) is None  # between two 0.2 mL lines on 5 and 10 mL syringes
True
>>> pick_device(Decimal("1.25")) is None
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from pydantic import Field

from ldncare.core.knowledge.records import SourcedRecord, load_records

__all__ = [
    "MeasuringDevice",
    "get_device",
    "is_measurable",
    "load_devices",
    "nearest_measurable_ml",
    "pick_device",
    "to_fraction",
]


class MeasuringDevice(SourcedRecord):
    """An oral syringe: how much it holds and how far apart its lines are."""

    name: str
    capacity_ml: Decimal = Field(gt=0)
    graduation_ml: Decimal = Field(gt=0)


def to_fraction(value: Decimal | Fraction | int | str | float) -> Fraction:
    """An exact :class:`Fraction` (floats go through their shortest decimal repr)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        value = repr(value)
    return Fraction(Decimal(value) if isinstance(value, str) else value)


def load_devices() -> tuple[MeasuringDevice, ...]:
    """All measuring devices, ordered smallest first, coarser graduation first at equal size."""
    devices = load_records("compounding.yaml", MeasuringDevice, key="devices")
    return tuple(sorted(devices, key=lambda d: (d.capacity_ml, -d.graduation_ml)))


def get_device(device_id: str) -> MeasuringDevice:
    """The device with this id (raises ``LookupError`` naming the allowed ids)."""
    for device in load_devices():
        if device.id == device_id:
            return device
    allowed = ", ".join(d.id for d in load_devices())
    raise LookupError(f"unknown measuring device {device_id!r}; allowed: {allowed}")


def is_measurable(volume_ml, device: MeasuringDevice) -> bool:
    """True when ``volume_ml`` fits in ``device`` and lies exactly on one of its lines.

    >>> is_measurable(Decimal("0.3"), get_device("syringe-3ml"))
    True
    >>> is_measurable(Decimal("4.5"), get_device("syringe-5ml"))
    False
    """
    volume = to_fraction(volume_ml)
    if volume <= 0 or volume > to_fraction(device.capacity_ml):
        return False
    return (volume / to_fraction(device.graduation_ml)).denominator == 1


def pick_device(volume_ml, devices: Sequence[MeasuringDevice] | None = None) -> MeasuringDevice | None:
    """The smallest device that measures ``volume_ml`` exactly, or ``None`` if none can."""
    for device in devices if devices is not None else load_devices():
        if is_measurable(volume_ml, device):
            return device
    return None


def nearest_measurable_ml(volume_ml, device: MeasuringDevice) -> Fraction:
    """``volume_ml`` rounded to the nearest line of ``device`` (ties round down, never up).

    >>> float(nearest_measurable_ml(Decimal("4.3"), get_device("syringe-5ml")))
    4.2
    """
    lines = to_fraction(volume_ml) / to_fraction(device.graduation_ml)
    rounded = math.ceil(lines - Fraction(1, 2))
    return max(rounded, 1) * to_fraction(device.graduation_ml)
