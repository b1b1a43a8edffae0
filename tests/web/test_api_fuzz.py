"""Property-based fuzzing of every API operation from its OpenAPI schema: bad input never gives a 500.

Schemathesis generates valid (positive) and schema-violating (negative) requests for each
operation; they are sent through Django's test client as the record's owner, with the
owner's real ids substituted into the path so that the requests reach the deep code. Each
request runs in a rolled-back savepoint.
"""

from __future__ import annotations

import json
import os
from urllib.parse import urlencode

import pytest
import schemathesis
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from ldncare.web.api import api

pytestmark = [pytest.mark.usefixtures("fast_password_hashing"), pytest.mark.slow]

SCHEMA = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema(path_prefix=""))))
OPERATIONS = {f"{op.method.upper()} {op.path}": op for op in (r.ok() for r in SCHEMA.get_all_operations())}
MAX_EXAMPLES = int(os.environ.get("LDNCARE_FUZZ_EXAMPLES", "12"))  # raise it for a deeper run
WITH_INPUT = sorted(k for k, op in OPERATIONS.items() if op.body or "{" in op.path or op.query)


def _send(client, world, case):
    params = dict(case.path_parameters or {})
    if "patient_id" in params:
        params["patient_id"] = str(world["owner"].public_id)
    if "entry_id" in params:
        params["entry_id"] = str(world["checkin"].uuid)
    path = "/api/v1" + case.operation.path.format(**params)
    kwargs = {"QUERY_STRING": urlencode(case.query or {}, doseq=True)}
    method = case.method.lower()
    if case.body is not None and not isinstance(case.body, schemathesis.core.NotSet):
        data = case.body if isinstance(case.body, bytes) else json.dumps(case.body)
        return getattr(client, method)(path, data=data, content_type="application/json", **kwargs)
    return getattr(client, method)(path, **kwargs)


@pytest.mark.parametrize("key", WITH_INPUT)
def test_no_operation_answers_500(client, world, key):
    operation = OPERATIONS[key]
    client.force_login(world["owner"])
    strategy = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(case=strategy)
    def check(case):
        with transaction.atomic():
            response = _send(client, world, case)
            transaction.set_rollback(True)
        assert response.status_code < 500, (case.method, case.path_parameters, case.query, case.body, response.content[:300])

    check()
