"""Names instead of ids in the record's pages: ``{{ id|side_effect_name }}``, ``{{ id|condition_name }}``,
``{{ report|side_effect_text }}`` (``Vivid dreams (mild)``)."""

from __future__ import annotations

from django import template

from ldncare.web.record import vocab

register = template.Library()


@register.filter
def side_effect_name(side_effect_id: str) -> str:
    return vocab.side_effect_name(side_effect_id)


@register.filter
def condition_name(condition_id: str) -> str:
    return vocab.condition_name(condition_id)


@register.filter
def side_effect_text(report) -> str:
    """A side-effect report as words: its name and its severity, in lower case."""
    return side_effect_words(report.side_effect_id, report.severity)


def side_effect_words(side_effect_id: str, severity: str) -> str:
    """``vivid_dreams``, ``mild`` → ``Vivid dreams (mild)``."""
    from ldncare.web.record.models import Severity

    return f"{vocab.side_effect_name(side_effect_id)} ({Severity(severity).label.lower()})"


@register.filter
def device_name(device_id: str) -> str:
    """A measuring device's name (``syringe-3ml`` → its name in the dosing data); an unknown id as it is."""
    from ldncare.core.dosing.devices import get_device

    try:
        return get_device(device_id).name
    except (KeyError, LookupError, ValueError):
        return device_id
