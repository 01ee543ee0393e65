"""PostgreSQL stopped and started again under load: 503 meanwhile, recovery, nothing lost.

Kiosk clients submit steadily while a probe reads a public page, a staff page (a logged-in
session), the kiosk configuration and /healthz. PostgreSQL is stopped (fast shutdown: its
connections are cut), kept down a few seconds and started again, without touching
gunicorn. While it is away every request that needs it must get 503 with Retry-After (a
JSON body on the kiosk API, the friendly page otherwise), never a 500 or a dropped
connection; afterwards the same worker processes serve again on their own, and every
submission is stored exactly once (`skm verify` agrees with the counts).

The server stopped and started is a private cluster made for this module (initdb in a
temporary folder, its own port; conftest.private_postgres): PostgreSQL on this machine is
shared with other work and is never restarted. Same binaries, same fast shutdown as
`pg_ctlcluster ... restart`, fsync on.
"""

from __future__ import annotations

import time

import pytest

from tests.faults import harness

pytestmark = pytest.mark.fault

STEADY = 5.0  # seconds of load before the stop and after the start
DOWN = 3.0  # seconds PostgreSQL stays stopped


@pytest.fixture(scope="module")
def postgres(private_postgres):
    return private_postgres


def test_postgresql_restart_answers_503_then_recovers_nothing_lost(
    stack, server, postgres, figures
):
    started = time.monotonic()
    auth = {"Authorization": f"Bearer {stack.token}"}
    probe = harness.Probe(
        server.port,
        {
            "healthz": ("/healthz", {}),
            "public form": (f"/s/{stack.unit_slug}/", {}),
            "staff page": ("/staf/", {"Cookie": f"sessionid={stack.session_key}"}),
            "kiosk config": ("/kios/api/config", auth),
        },
    )
    for name, (path, headers) in probe.paths.items():
        assert harness.get(server.port, path, headers).status == 200, name
    workers = sorted(server.worker_pids())

    load = harness.Load(server.port, stack.token, clients=8)
    load.start()
    probe.start()
    stopped_at = back_at = None
    try:
        time.sleep(STEADY)
        assert load.confirmed_since(load.started) > 0, load.outcomes
        try:
            stop_s = postgres.stop("fast")
            stopped_at = time.monotonic()
            time.sleep(DOWN)
        finally:
            start_s = postgres.start()
            back_at = time.monotonic()
        time.sleep(STEADY)
    finally:
        probe.stop()
        load.stop()

    # While it was away: 503 as promised, never a 500, never a dropped connection.
    assert not load.bad_503, load.bad_503[:3]
    assert not load.unexpected, load.unexpected[:5]
    assert set(load.outcomes) <= {"200", "201", "503"}, load.outcomes
    assert load.outcomes["503"] > 0, "no submission met the database away"
    for name in probe.paths:
        statuses = probe.statuses(name)
        assert set(statuses) <= {200, 503}, (name, statuses)
        assert statuses[503] > 0, (name, statuses)
    for _t, name, reply in probe.replies:
        if reply.status == 503 and name in ("public form", "staff page"):
            assert harness.well_formed_503(reply, json_body=False), (name, reply)
        elif reply.status == 503 and name == "kiosk config":
            assert harness.well_formed_503(reply, json_body=True), (name, reply)

    # Recovered by itself: the same processes serve again, every probe answers 200.
    assert sorted(server.worker_pids()) == workers
    assert server.starts == 1
    for name, (path, headers) in probe.paths.items():
        assert harness.get(server.port, path, headers).status == 200, name
    first_after = load.first_confirmation_after(back_at)
    assert first_after is not None, load.outcomes
    five_o_threes = [t for t, _n, r in probe.replies if getattr(r, "status", 0) == 503]

    result = harness.check_stored_exactly_once(stack, load)
    figures["PostgreSQL restart"] = {
        **load.figures(),
        **result,
        "pg_stop_s": round(stop_s, 1),
        "pg_down_s": round(back_at - stopped_at, 1),
        "pg_start_s": round(start_s, 1),
        "first_confirmation_after_back_s": round(first_after - back_at, 2),
        "probe_requests": len(probe.replies),
        "probe_503": len(five_o_threes),
        "probe_503_span_s": round(max(five_o_threes) - min(five_o_threes), 1),
        "test_seconds": round(time.monotonic() - started, 1),
    }
