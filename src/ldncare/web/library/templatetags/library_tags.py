"""Small display filters of the library templates."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import template

register = template.Library()


@register.filter
def words(value: object) -> str:
    """``"less_common"`` -> ``"less common"`` (ids and enum values shown as words)."""
    return str(value).replace("_", " ").replace("-", " ")


@register.filter
def get(mapping: dict, key: str) -> object:
    """``mapping[key]``, or the key itself when absent."""
    return mapping.get(key, key)


@register.filter
def get_scenario(mapping: dict, key: str) -> str:
    """The evidence text of one scenario."""
    return mapping.get(key, "")


@register.filter
def hyp_label(text: str) -> str:
    """Drop the leading ``HYPOTHESIS:`` (the template shows it as a label)."""
    return text.removeprefix("HYPOTHESIS:").strip()


@register.filter
def source_label(source) -> str:  # noqa: ANN001
    """``PMID …``, ``doi:…`` or ``NCT…``; for a bare web address, its site name (the full address is the link)."""
    if source.pmid or source.doi or source.nct:
        return source.label
    host = urlsplit(str(source.url)).hostname or str(source.url)
    return host.removeprefix("www.")
