"""Any change anywhere in a bundle: the import returns a record or refuses with FhirImportError, never crashes."""

from __future__ import annotations

import copy
import datetime as dt
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ldncare.core.fhir import (
    FhirImportError,
    PatientRecord,
    bundle_to_json,
    export_bundle,
    import_bundle,
)
from ldncare.core.response import parse_diary

DIARY = ("date,ldn_dose_mg,dose_time,phase,pain,pgic,side_effects,notes\n"
         "2026-03-01,,,baseline,6,,,\n2026-03-02,1.5,22:30,titration,5,3,headache:mild,first dose\n")
BASE = json.loads(bundle_to_json(export_bundle(PatientRecord(pseudonym="fuzz", diary=parse_diary(DIARY)),
                                               recorded=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))))


def _paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*path, i))


PATHS = [p for p in _paths(BASE) if p]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=False) | st.text(max_size=20)
    | st.sampled_from(["2026-03-01", "0001-01-01", "9999-12-31", "urn:uuid:1", "Patient/x", "mg", "#", "\x07"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.lists(st.tuples(st.sampled_from(PATHS), JSON_VALUES), min_size=1, max_size=3),
       drop=st.booleans())
def test_a_changed_bundle_imports_or_is_refused_never_crashes(changes, drop):
    bundle = copy.deepcopy(BASE)
    for path, value in changes:
        node = bundle
        try:
            for part in path[:-1]:
                node = node[part]
            if drop and isinstance(node, dict):
                node.pop(path[-1], None)
            else:
                node[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed this path
    try:
        result = import_bundle(bundle)
    except FhirImportError:
        return
    for day in result.record.diary.days if result.record.diary else ():
        assert dt.date(2000, 1, 1) <= day.date <= dt.date.today() + dt.timedelta(days=2)
        assert all(0 <= v <= 10 for v in day.scores.values())
