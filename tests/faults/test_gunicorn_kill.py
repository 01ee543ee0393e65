"""kill -9 under load: a gunicorn worker, then the master with its workers; nothing lost.

Kiosk clients submit steadily. A worker killed in the middle of a request leaves its
client without an answer; the master replaces the worker. The master killed takes the
whole server away until it is started again; clients get refused connections meanwhile.
Every client sends what was not confirmed again with the same client id. At the end
every submission is stored exactly once, with its nine answers, and `skm verify` finds
the per-cell counts equal to the raw responses.
"""

from __future__ import annotations

import time

import pytest

from tests.faults import harness

pytestmark = pytest.mark.fault

STEADY = 5.0  # seconds of load before, between and after the faults
DOWN = 2.0  # seconds without any server after the master is killed


def test_kill_a_worker_then_the_master_nothing_lost_or_doubled(stack, server, figures):
    started = time.monotonic()
    load = harness.Load(server.port, stack.token, clients=8)
    load.start()
    try:
        time.sleep(STEADY)
        assert load.confirmed_since(load.started) > 0, load.outcomes

        # 1. One worker, mid-load: the master replaces it and the load goes on.
        workers_before = server.worker_pids()
        killed_at = time.monotonic()
        victim = server.kill_worker()
        respawn = server.wait_respawned(victim)
        assert set(server.worker_pids()) != set(workers_before)
        time.sleep(STEADY)
        after_worker = load.confirmed_since(killed_at + respawn)
        assert after_worker > 0, load.outcomes

        # 2. The master and its workers: nothing listens until it is started again.
        refused_before = sum(n for o, n in load.outcomes.items() if o.startswith("no answer"))
        master_killed_at = time.monotonic()
        server.kill_all()
        time.sleep(DOWN)
        restarted_at = time.monotonic()
        server.start()
        ready_at = time.monotonic()
        refused = sum(n for o, n in load.outcomes.items() if o.startswith("no answer"))
        assert refused > refused_before, "clients should have found no server while it was down"
        time.sleep(STEADY)
        after_master = load.confirmed_since(ready_at)
        assert after_master > 0, load.outcomes
    finally:
        load.stop()

    assert not load.unexpected, load.unexpected[:5]
    assert "500" not in load.outcomes, load.outcomes
    result = harness.check_stored_exactly_once(stack, load)
    figures["gunicorn kill -9"] = {
        **load.figures(),
        **result,
        "worker_respawned_s": round(respawn, 2),
        "confirmed_after_worker_kill": after_worker,
        "server_down_s": round(restarted_at - master_killed_at, 1),
        "restart_to_healthy_s": round(ready_at - restarted_at, 1),
        "confirmed_after_master_restart": after_master,
        "test_seconds": round(time.monotonic() - started, 1),
    }
