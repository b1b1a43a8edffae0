"""Bundle plumbing: stable ``urn:uuid`` identities, JSON text, and the reference check.

>>> from ldncare.core.fhir.resources import Bundle
>>> bundle = Bundle(type="collection", entry=[{"fullUrl": "urn:uuid:" + stable_id("p", "patient"),
...                                          "resource": {"resourceType": "Patient"}}])
>>> unresolved_references(bundle)
[]
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from ldncare.core.fhir.codes import BASE
from ldncare.core.fhir.resources import Bundle
from ldncare.core.text import strip_control_characters

__all__ = ["bundle_to_json", "collect_references", "stable_id", "unresolved_references", "urn"]


def stable_id(pseudonym: str, *parts: object) -> str:
    """A UUID that depends only on the pseudonym and the parts, so exports are reproducible.

    >>> stable_id("p-1", "day", "2026-01-05") == stable_id("p-1", "day", "2026-01-05")
    True
    """
    name = "/".join([BASE, "patient", pseudonym, *(str(p) for p in parts)])
    return str(uuid.uuid5(uuid.NAMESPACE_URL, name))


def urn(resource_id: str) -> str:
    """The ``urn:uuid:`` full URL of a resource id."""
    return f"urn:uuid:{resource_id}"


def bundle_to_json(bundle: Bundle) -> str:
    """The bundle as indented FHIR JSON text (empty elements left out), ending in a newline.

    No string is written with a control character (FHIR strings forbid them; one rule in
    :mod:`ldncare.core.text`), whatever a stored record holds.
    """
    payload = _clean(json.loads(bundle.model_dump_json(exclude_none=True)))
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _clean(node: Any) -> Any:
    if isinstance(node, str):
        return strip_control_characters(node)
    if isinstance(node, dict):
        return {key: _clean(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_clean(value) for value in node]
    return node


def collect_references(node: Any, path: str = "") -> list[tuple[str, str]]:
    """Every ``reference`` string inside a JSON tree, with its path (``entry[2].resource.subject``)."""
    found: list[tuple[str, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}" if path else key
            if key == "reference" and isinstance(value, str):
                found.append((path, value))
            else:
                found.extend(collect_references(value, here))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found.extend(collect_references(value, f"{path}[{i}]"))
    return found


def unresolved_references(bundle: Bundle | dict) -> list[tuple[str, str]]:
    """The references (path, reference) that name no ``fullUrl`` of the bundle."""
    data = json.loads(bundle.model_dump_json(exclude_none=True)) if isinstance(bundle, Bundle) else bundle
    full_urls = {entry.get("fullUrl") for entry in data.get("entry", []) if isinstance(entry, dict)}
    return [(path, ref) for path, ref in collect_references(data) if ref not in full_urls]
