"""The dispensing label of a compounded LDN preparation, with every element a label needs.

A label names the prescription (Rx number), the patient by full name, the prescriber, the
pharmacy with its phone number, the dispense date, the beyond-use date, storage, what is in
the bottle, the directions, the lot and the opioid warning (sourced data,
``compounding.yaml: label_warnings``). An element that is not known is not invented: it is
named in :attr:`Label.missing`, and the text says ``MISSING``, so that the pharmacist
completes it before the label goes on a bottle.

>>> import datetime as dt
>>> label = format_label(LabelFacts(
...     rx_number="RX-3F2A9C1B", patient_name="Patty Smith", prescriber_name="Dr Ann Chen",
...     pharmacy_name="Compounding Chemists", pharmacy_phone="0113 496 0000", dispensed_on=dt.date(2026, 12, 4),
...     beyond_use_date=dt.date(2026, 12, 18), storage="refrigerator (2–8 °C)",
...     product="Naltrexone hydrochloride 1 mg/mL oral liquid (LDN), 21 mL",
...     directions="Take 1.5 mL (1.5 mg) by mouth once daily at 22:00, 4 Dec 2026 to 17 Dec 2026.", lot_number="L1"))
>>> label.missing
()
>>> print(label.text.splitlines()[0])
Compounding Chemists · Tel 0113 496 0000
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from ldncare.core.dosing.compounding_data import get_label_warning
from ldncare.core.knowledge.records import Record, Source

__all__ = ["Label", "LabelFacts", "format_label"]

REQUIRED = {
    "rx_number": "Rx number",
    "patient_name": "patient's full name",
    "prescriber_name": "prescriber",
    "pharmacy_name": "pharmacy name",
    "pharmacy_phone": "pharmacy phone",
    "storage": "storage",
    "product": "contents",
    "directions": "directions",
}


class LabelFacts(Record):
    """What goes on one label (empty strings are reported as missing, never filled in)."""

    rx_number: str
    patient_name: str
    prescriber_name: str
    pharmacy_name: str
    pharmacy_phone: str
    dispensed_on: dt.date
    beyond_use_date: dt.date
    storage: str
    product: str
    directions: str
    lot_number: str = ""
    check: str = Field("", description="a line the pharmacist must act on before labelling (e.g. a volume off the lines)")
    extra: tuple[str, ...] = Field((), description="further lines, e.g. a blinded trial's bottle letter")


class Label(Record):
    """A formatted label and the elements it still lacks."""

    text: str
    missing: tuple[str, ...]
    sources: tuple[Source, ...]


def format_label(facts: LabelFacts) -> Label:
    """The label's text (one element per line) and what is missing."""
    missing = tuple(name for field, name in REQUIRED.items() if not str(getattr(facts, field)).strip())

    def value(field: str) -> str:
        text = str(getattr(facts, field)).strip()
        return text or f"MISSING: {REQUIRED[field]}"

    warning = get_label_warning()
    lines = []
    if facts.check:
        lines.append(f"CHECK BEFORE LABELLING: {facts.check}")
    lines += [
        f"{value('pharmacy_name')} · Tel {value('pharmacy_phone')}",
        f"{value('rx_number')}    Dispensed {facts.dispensed_on.isoformat()}",
        f"Patient: {value('patient_name')}",
        f"Prescriber: {value('prescriber_name')}",
        value("product"),
        value("directions"),
        *facts.extra,
        f"Store: {value('storage')}. Discard after {facts.beyond_use_date.isoformat()} (beyond-use date).",
        f"Lot {facts.lot_number.strip() or '(written at dispensing)'}. Compounded preparation. Keep out of reach of children.",
        warning.text,
    ]
    return Label(text="\n".join(lines), missing=missing, sources=tuple(warning.sources))
