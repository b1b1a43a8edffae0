"""Writes of a patient's own outcomes and factors (``<entity>_<action>``, keyword-only, atomic, audited).

Called only after :mod:`ldncare.web.policy` allowed the write (the diary part of her record).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from ldncare.web.access.audit import audit
from ldncare.web.access.models import AuditEvent
from ldncare.web.tracking.models import KIND_RANGES, Kind, TrackedItem, TrackedValue

__all__ = ["tracked_item_save", "tracked_values_check", "tracked_values_save", "value_problem"]

ALLOWED = AuditEvent.Outcome.ALLOWED
MAX_ITEMS = 30


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", slugify(name).replace("-", "_")).strip("_")[:40].rstrip("_")
    if not slug or not slug[0].isalnum():
        raise ValidationError({"name": "the name needs at least one letter or digit (a-z, 0-9)"})
    return slug


@transaction.atomic
def tracked_item_save(*, request, patient, kind: str, name: str, anchor_low: str = "", anchor_high: str = "",
                      active: bool = True, item: TrackedItem | None = None, added_by=None) -> TrackedItem:
    """Add an outcome or factor (its slug made from the name), or rename / (de)activate one.

    The slug of an existing item never changes: it names the diary column of values already entered.
    ``added_by``: the clinician adding it for the patient (shown to her; kept on later changes).
    """
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "give it a name, e.g. 'Brain fog' or 'Cups of coffee'"})
    if kind not in Kind.values:
        raise ValidationError({"kind": f"unknown kind {kind!r}; allowed: {', '.join(Kind.values)}"})
    if item is None:
        if TrackedItem.objects.filter(patient=patient).count() >= MAX_ITEMS:
            raise ValidationError({"name": f"at most {MAX_ITEMS} outcomes and factors; switch one off first"})
        item = TrackedItem(patient=patient, kind=kind, slug=_slug(name), added_by=added_by)
        same = TrackedItem.objects.filter(patient=patient, slug=item.slug)
        same = same.filter(kind=Kind.OUTCOME) if kind == Kind.OUTCOME else same.exclude(kind=Kind.OUTCOME)
        if same.exists():
            whose = "you already track" if added_by is None else "the patient already tracks"
            raise ValidationError({"name": f"{whose} {'an outcome' if kind == Kind.OUTCOME else 'a factor'} "
                                           f"named like {name!r}; choose another name"})
        action = "create"
    else:
        action = "update"
    item.name = name
    item.anchor_low = " ".join(anchor_low.split()) if item.is_outcome else ""
    item.anchor_high = " ".join(anchor_high.split()) if item.is_outcome else ""
    item.active = active
    item.full_clean(exclude=["patient", "added_by"], validate_constraints=False)
    item.save()
    audit(request, subject=patient, object_type="tracked_item", object_id=item.pk, action=action, outcome=ALLOWED)
    return item


def value_problem(kind: str, value) -> str | None:
    """Why ``value`` cannot be a value of ``kind`` (what is allowed), or ``None``."""
    low, high, whole = KIND_RANGES[kind]
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        number = None
    if isinstance(value, bool) or number is None or not number.is_finite():
        return f"{value!r} is not a number; allowed: {_allowed(kind)}"
    if not (low <= number <= high) or (whole and number != number.to_integral_value()) or (
            number != number.quantize(Decimal("0.01"))):
        return f"{value} is not allowed; allowed: {_allowed(kind)}"
    return None


def _allowed(kind: str) -> str:
    low, high, whole = KIND_RANGES[kind]
    if kind == Kind.YES_NO:
        return "1 (yes) or 0 (no)"
    return f"a {'whole number' if whole else 'number (2 decimals at most)'} from {low} to {high}"


def tracked_values_check(*, patient, values: Mapping[str, object]) -> dict[TrackedItem, Decimal | None]:
    """``{"outcome:brain_fog": 4, ...}`` → items and values, or ValidationError keyed by the code.

    ``None`` means "not recorded". Unknown codes (not one of her items) are refused. Nothing
    given: nothing to check, no query.
    """
    if not values:
        return {}
    items = {i.code: i for i in TrackedItem.objects.filter(patient=patient)}
    problems: dict[str, str] = {}
    checked: dict[TrackedItem, Decimal | None] = {}
    for code, value in values.items():
        item = items.get(code)
        if item is None:
            known = ", ".join(sorted(items)) or "none yet (add them on the 'My outcomes and factors' page)"
            problems[code] = f"unknown outcome or factor {code!r}; yours: {known}"
        elif value is None:
            checked[item] = None
        elif problem := value_problem(item.kind, value):
            problems[code] = problem
        else:
            checked[item] = Decimal(str(value))
    if problems:
        raise ValidationError(problems)
    return checked


def tracked_values_save(*, request, patient, checkin, values: Mapping[TrackedItem, Decimal | None],
                        replace: bool = False, created: bool = False, channel: str = "web") -> None:
    """Store the day's values of her items (``None``: not recorded, removed).

    ``replace``: items not in ``values`` are cleared as well (the API's PUT). ``created``: the day
    was just made in this transaction, so it holds no values yet: they go in with one INSERT,
    nothing is read or cleared. Never stores a value nobody entered.
    """
    for item in values:
        if item.patient_id != patient.pk:
            raise ValidationError({item.code: "not one of this patient's outcomes or factors"})
    if created:  # no savepoint either: nothing in here raises but a failing statement, which rolls all back
        with transaction.atomic(savepoint=False):
            TrackedValue.objects.bulk_create(TrackedValue(checkin=checkin, item=item, value=value)
                                             for item, value in values.items() if value is not None)
        return
    with transaction.atomic():
        _values_replace(checkin=checkin, values=values, replace=replace)


def _values_replace(*, checkin, values: Mapping[TrackedItem, Decimal | None], replace: bool) -> None:
    existing = {v.item_id: v for v in TrackedValue.objects.filter(checkin=checkin)}
    given = {item.pk for item in values}
    for item, value in values.items():
        old = existing.get(item.pk)
        if value is None:
            if old is not None:
                old.delete()
        elif old is None:
            TrackedValue.objects.create(checkin=checkin, item=item, value=value)
        elif old.value != value:
            old.value = value
            old.save(update_fields=["value"])
    if replace:  # the check-in's own save wrote its audit row in this transaction
        TrackedValue.objects.filter(checkin=checkin).exclude(item_id__in=given).delete()

