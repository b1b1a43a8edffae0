"""Import a FHIR R4B Bundle back into a :class:`~ldncare.core.fhir.record.PatientRecord`.

All or nothing, and nothing lost silently. Before anything is mapped, the bundle must pass:

* **limits**: at most :data:`MAX_BUNDLE_BYTES` of JSON, nested at most :data:`MAX_DEPTH` deep,
  at most :data:`MAX_ENTRIES` entries; no ``NaN``/``Infinity``; no control character in any
  string (FHIR strings forbid them, :mod:`ldncare.core.text`);
* **FHIR**: validation of the whole bundle with ``fhir.resources`` (R4B), unique ``fullUrl``
  values, no operation entries (DELETE, PATCH, GET) in a transaction or batch;
* **references**: every reference resolved by the Bundle rules (:mod:`.references`); a
  ``urn:`` reference must name an entry, a server reference may point outside the bundle.

Then :mod:`.reader` maps the resources, each value a claim on one item; the same date and
value limits as the app apply (days from 2000-01-01 to today, scores 0-10, doses 0-50 mg,
notes of at most 2000 characters), and an item claimed twice is refused or, with
``on_conflict="keep-first"``, kept once with the other claims listed. The first problem
raises :class:`FhirImportError` with its path (``entry[3].resource.valueInteger: ...``).

>>> import datetime as dt
>>> from ldncare.core.fhir.export import export_bundle
>>> from ldncare.core.fhir.record import PatientRecord
>>> from ldncare.core.response import parse_diary
>>> record = PatientRecord(pseudonym="p-1", diary=parse_diary("date,ldn_dose_mg,pain\\n2026-01-05,1.5,4\\n"))
>>> bundle = export_bundle(record, recorded=dt.datetime(2026, 2, 1, tzinfo=dt.UTC))
>>> import_bundle(bundle.model_dump_json()).record == record
True
>>> import_bundle('{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": '
...               '{"resourceType": "Observation", "status": "final", "code": {"text": "x"}, "valueInteger": "six"}}]}')
Traceback (most recent call last):
...
ldncare.core.fhir.results.FhirImportError: entry[0].resource.valueInteger: Input should be a valid integer, unable to parse string as an integer
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from ldncare.core.fhir.bundle import collect_references
from ldncare.core.fhir.reader import (
    MAPPED_TYPES,
    ON_CONFLICT,
    Conflict,
    FhirImportError,
    ImportConflictError,
    ImportResult,
    read_bundle,
)
from ldncare.core.fhir.references import AmbiguousReferenceError, Resolver
from ldncare.core.fhir.resources import Bundle, model_class
from ldncare.core.response.diary import latest_diary_date
from ldncare.core.text import control_characters

__all__ = ["ACCEPTED_TYPES", "MAPPED_TYPES", "MAX_BUNDLE_BYTES", "MAX_DEPTH", "MAX_ENTRIES", "ON_CONFLICT", "Conflict",
           "FhirImportError", "ImportConflictError", "ImportResult", "import_bundle"]

MAX_BUNDLE_BYTES = 32 * 1024 * 1024
"""The largest bundle read: 32 MiB of JSON, about ten years of a daily diary with four scores and a dose
(validation needs memory: a 10 MB bundle took about 0.5 GB). The API takes at most its 1 MB body limit."""
MAX_DEPTH = 64
"""The deepest nesting of JSON objects and arrays (ldncare's own bundles nest about 12 deep)."""
MAX_ENTRIES = 200_000
ACCEPTED_TYPES = ("collection", "document", "searchset", "transaction", "batch", "message")
"""Bundle types that carry records; ``history`` (versions of one record) and responses are refused."""
WRITE_METHODS = ("POST", "PUT")
NUMERIC_ELEMENTS = {"sequence", "frequency", "frequencyMax", "period", "periodMax", "duration", "durationMax",
                    "count", "countMax", "total", "low", "high", "numerator", "denominator", "rank"}


def _path(loc: tuple) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _refuse_constant(name: str) -> Any:
    raise FhirImportError("", f"{name} is not a JSON number; allowed: finite numbers")


def _load(source: str | bytes | Mapping[str, Any]) -> Any:
    if isinstance(source, Mapping):
        return source
    if len(source) > MAX_BUNDLE_BYTES:
        raise FhirImportError("", f"the bundle is {len(source) / 2**20:.1f} MiB; allowed: at most "
                                  f"{MAX_BUNDLE_BYTES // 2**20} MiB (split it, e.g. by year)")
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8")
        except UnicodeDecodeError:
            raise FhirImportError("", "not UTF-8 text; allowed: a FHIR JSON Bundle") from None
    try:
        return json.loads(source.removeprefix("\ufeff"), parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise FhirImportError("", f"not JSON: {exc}") from None
    except RecursionError:
        raise FhirImportError("", f"JSON nested too deeply; allowed: at most {MAX_DEPTH} levels") from None


def _numeric(path: str) -> bool:
    """Whether the element at ``path`` is numeric (a JSON true/false there would be read as 1/0)."""
    key = path.rsplit(".", 1)[-1].split("[", 1)[0]
    return (key.startswith("value") and key != "valueBoolean") or key in NUMERIC_ELEMENTS


def _check_tree(data: Any) -> None:
    """Depth and strings, without recursion: the first problem with its path."""
    stack: list[tuple[Any, str, int]] = [(data, "", 1)]
    while stack:
        node, path, depth = stack.pop()
        if isinstance(node, dict | list) and depth > MAX_DEPTH:
            raise FhirImportError(path, f"JSON nested more than {MAX_DEPTH} levels deep; allowed: at most {MAX_DEPTH}")
        if isinstance(node, dict):
            stack.extend((value, f"{path}.{key}" if path else str(key), depth + 1) for key, value in node.items())
        elif isinstance(node, list):
            stack.extend((value, f"{path}[{i}]", depth + 1) for i, value in enumerate(node))
        elif isinstance(node, bool) and _numeric(path):
            raise FhirImportError(path, f"{str(node).lower()} where a number belongs; allowed: a JSON number")
        elif isinstance(node, str) and (found := control_characters(node)):
            raise FhirImportError(path, f"control character {', '.join(found[:5])}; FHIR strings allow no character "
                                        "below U+0020 except TAB, CR and LF (https://hl7.org/fhir/R4B/datatypes.html#string)")


def _check_bundle_shape(source: Mapping) -> None:
    kind = source.get("type")
    if kind not in ACCEPTED_TYPES:
        raise FhirImportError("type", f"a {kind!r} bundle; allowed: {', '.join(ACCEPTED_TYPES)} (a history or a "
                                      "response bundle is not a record)")
    entries = source.get("entry") or []
    if isinstance(entries, list) and len(entries) > MAX_ENTRIES:
        raise FhirImportError("entry", f"{len(entries)} entries; allowed: at most {MAX_ENTRIES}")
    for i, entry in enumerate(entries if isinstance(entries, list) else []):
        if not isinstance(entry, Mapping):
            continue
        resource, request = entry.get("resource"), entry.get("request")
        if isinstance(request, Mapping) and kind in ("transaction", "batch") and request.get("method") not in WRITE_METHODS:
            raise FhirImportError(f"entry[{i}].request.method", f"{request.get('method')!r}: ldncare imports records, "
                                                                "not operations; allowed: POST or PUT entries")
        if isinstance(resource, Mapping):
            try:
                model_class(str(resource.get("resourceType")))
            except LookupError as exc:
                raise FhirImportError(f"entry[{i}].resource.resourceType", str(exc)) from None


def _check_references(data: Mapping) -> None:
    entries = [(e.get("fullUrl"), e.get("resource")) for e in data.get("entry", [])]
    seen: dict[str, int] = {}
    for i, (url, _resource) in enumerate(entries):
        if url is not None and url in seen:
            raise FhirImportError(f"entry[{i}].fullUrl", f"{url!r} is also entry[{seen[url]}]'s fullUrl; allowed: "
                                                         "one entry per fullUrl")
        if url is not None:
            seen[url] = i
    resolver = Resolver(entries)
    for i, (url, resource) in enumerate(entries):
        if not isinstance(resource, Mapping):
            continue
        contained = {c.get("id") for c in resource.get("contained", []) if isinstance(c, Mapping)}
        for path, ref in collect_references(resource, f"entry[{i}].resource"):
            if ref.startswith("#"):
                if ref != "#" and ref[1:] not in contained:
                    raise FhirImportError(f"{path}.reference", f"{ref!r} names no contained resource")
                continue
            try:
                found = resolver.resolve(ref, url)
            except AmbiguousReferenceError as exc:
                raise FhirImportError(f"{path}.reference", str(exc)) from None
            if found is None and ref.startswith("urn:"):
                raise FhirImportError(f"{path}.reference", f"{ref!r} names no entry of the bundle (a urn: reference "
                                                           "must name an entry's fullUrl)")


def import_bundle(source: str | bytes | Mapping[str, Any], *, on_conflict: str = "refuse",
                  latest_day: dt.date | None = None) -> ImportResult:
    """Validate and map a FHIR Bundle (JSON text or parsed JSON); :class:`FhirImportError` if it cannot be imported.

    ``on_conflict``: ``"refuse"`` (default; :class:`ImportConflictError` lists every item claimed
    twice) or ``"keep-first"`` (the first claim of each item is kept, the others are listed in
    :attr:`ImportResult.conflicts`). ``latest_day``: the latest diary day accepted (default:
    :func:`~ldncare.core.response.diary.latest_diary_date`, today where the day starts first).
    """
    if on_conflict not in ON_CONFLICT:
        raise ValueError(f"on_conflict {on_conflict!r}; allowed: {', '.join(ON_CONFLICT)}")
    source = _load(source)
    _check_tree(source)
    if not isinstance(source, Mapping) or source.get("resourceType") != "Bundle":
        raise FhirImportError("resourceType", "expected a FHIR Bundle (resourceType 'Bundle')")
    _check_bundle_shape(source)
    try:
        bundle = Bundle.model_validate(source)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise FhirImportError(_path(first["loc"]), first["msg"]) from None
    data = json.loads(bundle.model_dump_json(exclude_none=True))
    _check_references(data)
    return read_bundle(data, on_conflict=on_conflict, latest_day=latest_day or latest_diary_date())
