"""Reads of a patient's own outcomes and factors: her items, a day's values, the diary with them."""

from __future__ import annotations

import dataclasses

from ldncare.core import response
from ldncare.core.response.diary import CORE_OUTCOMES
from ldncare.core.response.wearables import merge_factors
from ldncare.web.tracking.models import ImportedValue, TrackedItem, TrackedValue, WearableImport

__all__ = ["checkin_tracked_form", "imported_daily", "imports_of", "items_of", "tracked_by_checkin", "with_tracked"]


def items_of(patient, *, active_only: bool = False) -> list[TrackedItem]:
    items = TrackedItem.objects.filter(patient=patient)
    return list(items.filter(active=True) if active_only else items)


def tracked_by_checkin(checkin_ids) -> dict[int, dict[str, float]]:
    """``{checkin pk: {"outcome:brain_fog": 4.0, "factor:coffee_cups": 2.0}}`` (entered values only)."""
    out: dict[int, dict[str, float]] = {}
    for checkin_id, kind, slug, value in TrackedValue.objects.filter(checkin_id__in=checkin_ids).values_list(
            "checkin_id", "item__kind", "item__slug", "value"):
        code = TrackedItem(kind=kind, slug=slug).code
        out.setdefault(checkin_id, {})[code] = float(value)
    return out


def imported_daily(patient) -> dict:
    """``{day: {"factor:steps": 8412.0, ...}}``: the wearable values her imports stored."""
    out: dict = {}
    for day, slug, value in ImportedValue.objects.filter(item__patient=patient).values_list("date", "item__slug",
                                                                                           "value"):
        out.setdefault(day, {})[TrackedItem(kind="measure", slug=slug).code] = float(value)
    return out


def imports_of(patient, *, limit: int = 10) -> list[WearableImport]:
    return list(WearableImport.objects.filter(patient=patient)[:limit])


def with_tracked(diary: response.Diary, patient, checkins) -> response.Diary:
    """The core diary of ``checkins`` with her own outcomes (``scores``) and factors (``factors``) added.

    Every item she defined is a column (blank where she entered nothing), so the CSV shows what she tracks.
    Imported wearable values are merged as the core merges them (:func:`merge_factors`): a day with
    wearable values and no check-in is a row holding only those factors.
    """
    by_date = {c.date: c.pk for c in checkins.only("pk", "date")} if hasattr(checkins, "only") else {
        c.date: c.pk for c in checkins}
    values = tracked_by_checkin(list(by_date.values()))
    items = items_of(patient)
    outcomes = tuple(sorted(i.code for i in items if i.is_outcome))
    factors = tuple(sorted(i.code for i in items if not i.is_outcome))
    days = []
    for day in diary.days:
        entered = values.get(by_date.get(day.date), {})
        if entered:
            day = dataclasses.replace(
                day,
                scores={**day.scores, **{k: v for k, v in entered.items() if k in outcomes}},
                factors={**day.factors, **{k: v for k, v in entered.items() if k in factors}},
            )
        days.append(day)
    merged = response.Diary(days=tuple(days), outcomes=(*CORE_OUTCOMES, *outcomes), factors=factors)
    imported = imported_daily(patient)
    if imported:
        merged = merge_factors(merged, imported)
    return merged


def checkin_tracked_form(patient, checkin, data=None):
    """The check-in's block: her active items and any item holding a value that day, with that day's values."""
    from ldncare.web.tracking.forms import TrackedValuesForm

    entered = {v.item_id: v.value for v in TrackedValue.objects.filter(checkin=checkin)} if checkin else {}
    items = [i for i in items_of(patient) if (i.active and not i.wearable) or i.pk in entered]
    initial = {f"i{pk}": (int(v) if v == v.to_integral_value() else v) for pk, v in entered.items()}
    return TrackedValuesForm(data, items=items, initial=initial)
