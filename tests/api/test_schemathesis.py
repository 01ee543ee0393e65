"""Every operation of the OpenAPI schema at /api/v1/openapi.json, fuzzed by schemathesis:
generated path parameters (random, or the demo's real unit, period and plan item),
queries and bodies, with and without the unit's API key. No answer is a 500, every
documented answer matches its schema, and nothing is half-written: the per-cell counts
still equal the responses and a refused PATCH changes nothing.

Examples per operation: FUZZ_EXAMPLES (environment; 60 by default, CI's figure).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from skm.org.models import Unit
from skm.plans.demo import demo_plans
from skm.plans.models import PlanItem
from skm.surveys.counts import verify
from skm.surveys.demo import demo_load
from skm.surveys.invitations import api_key_create

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
REAL = {
    "unit_slug": "dinas-kependudukan-dan-pencatatan-sipil",
    "period_slug": "semester-i-2025",
    "number": "1.1",
    "kind": "tindak-lanjut",
}


@pytest.fixture
def api_schema(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    summary = demo_load()
    demo_plans(summary.agency)
    # Requests go straight to the WSGI application, not through Django's test client, so
    # keep Django from closing the connection at the end of each request as it would in
    # production (on PostgreSQL that would end the test's transaction); the test client
    # does the same.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _snapshot():
    return list(
        PlanItem.objects.order_by("pk").values_list(
            "pk", "status", "done_on", "description", "obstacles"
        )
    )


def test_the_api_never_fails_and_keeps_its_schema(api_schema):
    unit = Unit.objects.get(slug=REAL["unit_slug"])
    key = api_key_create(unit=unit, name="fuzz", may_update_realisation=True)[1]
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 8
    seen: dict[str, int] = {}

    @settings(
        max_examples=EXAMPLES * len(operations),
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data(), real=st.booleans(), with_key=st.booleans())
    def run(data, real, with_key):
        operation = data.draw(st.sampled_from(operations))
        case = data.draw(operation.as_strategy())
        cache.clear()
        if real:
            for name in case.path_parameters or {}:
                if name in REAL:
                    case.path_parameters[name] = REAL[name]
        headers = {"Authorization": f"Bearer {key}"} if with_key else {}
        before = _snapshot()
        response = case.call(headers=headers)
        case.validate_response(
            response, checks=[not_a_server_error, response_schema_conformance], headers=headers
        )
        if case.method.upper() != "GET" and response.status_code >= 400:
            assert _snapshot() == before
        assert verify() == []
        label = f"{case.method.upper()} {operation.path} {response.status_code}"
        seen[label] = seen.get(label, 0) + 1

    run()
    # the real values reach the operations, not only their 404s
    assert any(label.endswith(" 200") for label in seen), seen
