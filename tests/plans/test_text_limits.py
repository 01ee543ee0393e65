"""Plan texts go into the follow-up report: each at most MAX_TEXT_LENGTH characters,
cleaned of control characters (issue #12, findings 5 and 14)."""

from __future__ import annotations

import datetime as dt

import pytest

from skm.plans.models import PlanItem, Strategy
from skm.plans.services import (
    PlanError,
    item_create,
    plan_create,
    realisation_update,
    strategy_create,
)

from .conftest import item_data

HUGE = "Kegiatan berjalan baik. " * 46_000  # 1.1 MB


@pytest.fixture
def item(surveyed, unit, manager):
    plan = plan_create(period=surveyed, unit=unit, user=manager)
    return item_create(plan.priorities.get(element_code="U3"), data=item_data(), user=manager)


def test_megabyte_plan_texts_are_refused_and_nothing_changes(item, manager):
    from skm.plans.services import MAX_TEXT_LENGTH

    with pytest.raises(PlanError) as refused:
        realisation_update(
            item,
            status="sudah",
            done_on=dt.date(2025, 8, 1),
            description=HUGE,
            obstacles="ok",
            user=manager,
            today=dt.date(2025, 9, 1),
        )
    assert "description" in refused.value.messages
    assert f"{MAX_TEXT_LENGTH}" in refused.value.messages["description"]
    assert PlanItem.objects.get(pk=item.pk).description == ""
    with pytest.raises(PlanError) as refused:
        item_create(item.priority, data=item_data(activity=HUGE), user=manager)
    assert "activity" in refused.value.messages
    assert PlanItem.objects.count() == 1
    with pytest.raises(PlanError) as refused:
        strategy_create(
            item.priority.plan,
            data={"item": item, "strategy": HUGE, "owner_title": "Kepala", "target_quarter": 3},
        )
    assert "strategy" in refused.value.messages and not Strategy.objects.exists()


def test_plan_texts_are_stored_without_control_characters(item, manager):
    realisation_update(
        item,
        status="sudah",
        done_on=dt.date(2025, 8, 1),
        description="Papan\x0b nomor\x07 dipasang.\r\nSelesai.",
        obstacles="",
        user=manager,
        today=dt.date(2025, 9, 1),
    )
    assert PlanItem.objects.get(pk=item.pk).description == "Papan\n nomor dipasang.\nSelesai."
