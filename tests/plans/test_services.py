"""The follow-up loop's rules: proposal, numbering, realisation, history, final, carry-over."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from skm.plans.models import ItemChange, Plan, PlanEvent, PlanItem, PlanPriority
from skm.plans.selectors import item_by_number, misfiled_element, plan_dict, plan_view
from skm.plans.services import (
    PlanError,
    item_create,
    item_delete,
    item_move,
    item_update,
    plan_create,
    plan_finalise,
    plan_reopen,
    plan_set_report_date,
    priority_add,
    priority_drop,
    priority_move,
    realisation_update,
    strategy_create,
)

from .conftest import item_data

CODES = [f"U{i}" for i in range(1, 10)]


def _priority(plan, code):
    return plan.priorities.get(element_code=code)


def test_a_new_plan_proposes_the_lowest_elements_lowest_first(surveyed, unit, manager):
    plan = plan_create(period=surveyed, unit=unit, user=manager)
    assert list(plan.priorities.values_list("element_code", "position", "source")) == [
        ("U3", 1, "proposed"),
        ("U7", 2, "proposed"),
        ("U9", 3, "proposed"),
    ]
    assert plan.status == Plan.Status.DRAFT
    assert plan.reported_on == surveyed.end_date
    event = plan.events.get()
    assert event.action == PlanEvent.Action.CREATED and "U3, U7, U9" in event.note
    with pytest.raises(PlanError):
        plan_create(period=surveyed, unit=unit, user=manager)


def test_numbering_follows_the_order_and_renumbers_on_moves(surveyed, unit, manager):
    plan = plan_create(period=surveyed, unit=unit, user=manager)
    u3, u7 = _priority(plan, "U3"), _priority(plan, "U7")
    a = item_create(u3, data=item_data(activity="A"), user=manager)
    b = item_create(u3, data=item_data(activity="B"), user=manager)
    c = item_create(u7, data=item_data(activity="C"), user=manager)
    numbers = {i.item.activity: i.number for i in plan_view(plan).items}
    assert numbers == {"A": "1.1", "B": "1.2", "C": "2.1"}

    assert item_move(b, -1, user=manager)
    assert not item_move(PlanItem.objects.get(pk=b.pk), -1, user=manager)  # already first
    numbers = {i.item.activity: i.number for i in plan_view(plan).items}
    assert numbers == {"B": "1.1", "A": "1.2", "C": "2.1"}

    assert priority_move(u7, -1)
    numbers = {i.item.activity: i.number for i in plan_view(plan).items}
    assert numbers == {"C": "1.1", "B": "2.1", "A": "2.2"}

    priority_drop(PlanPriority.objects.get(pk=u7.pk), reason="Sudah membaik", user=manager)
    view = plan_view(plan)
    assert {i.item.activity: i.number for i in view.items} == {"B": "1.1", "A": "1.2"}
    assert [d.element_code for d in view.dropped] == ["U7"]
    assert view.dropped[0].reason == "Sudah membaik"
    assert item_by_number(view, "1.2").item.pk == a.pk
    assert c.pk in PlanItem.objects.values_list("pk", flat=True)  # kept, just not numbered

    item_delete(PlanItem.objects.get(pk=b.pk), user=manager)
    assert {i.item.activity: i.number for i in plan_view(plan).items} == {"A": "1.1"}


def test_adding_and_dropping_a_priority_needs_a_reason(surveyed, unit, manager):
    plan = plan_create(period=surveyed, unit=unit, user=manager)
    with pytest.raises(PlanError) as refused:
        priority_add(plan, element_code="U1", reason=" ", user=manager)
    assert "reason" in refused.value.messages
    with pytest.raises(PlanError):
        priority_add(plan, element_code="U99", reason="x", user=manager)
    with pytest.raises(PlanError):
        priority_add(plan, element_code="U3", reason="x", user=manager)
    added = priority_add(plan, element_code="U1", reason="Banyak keluhan berkas", user=manager)
    assert (added.source, added.position, added.reason) == ("added", 4, "Banyak keluhan berkas")
    with pytest.raises(PlanError):
        priority_drop(added, reason="", user=manager)
    actions = list(plan.events.values_list("action", flat=True))
    assert actions == ["created", "priority_added"]


def test_item_fields_are_validated_with_messages_per_field(surveyed, unit, manager):
    plan = plan_create(period=surveyed, unit=unit, user=manager)
    with pytest.raises(PlanError) as refused:
        item_create(
            _priority(plan, "U3"),
            data=item_data(activity="", quarters="5", year=99, owner_title=""),
            user=manager,
        )
    assert set(refused.value.messages) == {"activity", "quarters", "year", "owner_title"}
    assert PlanItem.objects.count() == 0
    item = item_create(_priority(plan, "U3"), data=item_data(quarters="43"), user=manager)
    assert item.quarters == "34" and item.quarter_list == [3, 4]


def test_realisation_rules_and_history(surveyed, unit, manager, operator):
    plan = plan_create(period=surveyed, unit=unit, user=manager)
    item = item_create(_priority(plan, "U3"), data=item_data(), user=manager)
    today = dt.date(2025, 9, 1)
    with pytest.raises(PlanError) as refused:
        realisation_update(
            item,
            status="sudah",
            done_on=None,
            description="",
            obstacles="",
            user=operator,
            today=today,
        )
    assert set(refused.value.messages) == {"done_on", "description"}
    with pytest.raises(PlanError):
        realisation_update(
            item,
            status="sudah",
            done_on=dt.date(2025, 9, 2),
            description="x",
            obstacles="",
            user=operator,
            today=today,
        )
    realisation_update(
        item,
        status="proses",
        done_on=dt.date(2025, 8, 1),
        description="Mulai",
        obstacles="",
        user=operator,
        today=today,
    )
    item.refresh_from_db()
    assert item.done_on is None  # only a done item has a date
    realisation_update(
        item,
        status="sudah",
        done_on=dt.date(2025, 8, 20),
        description="Pembinaan dilakukan",
        obstacles="Jadwal padat",
        user=operator,
        today=today,
    )
    history = list(item.changes.order_by("at", "pk"))
    assert [h.action for h in history] == ["created", "realisation", "realisation"]
    assert history[-1].user == operator
    assert history[-1].changes["status"] == ["proses", "sudah"]
    assert history[-1].changes["done_on"] == [None, "2025-08-20"]
    # saving the same values again records nothing
    realisation_update(
        item,
        status="sudah",
        done_on=dt.date(2025, 8, 20),
        description="Pembinaan dilakukan",
        obstacles="Jadwal padat",
        user=operator,
        today=today,
    )
    assert item.changes.count() == 3


def test_percent_realised_and_both_pekppp_indicators(surveyed, unit, manager):
    plan = plan_create(period=surveyed, unit=unit, user=manager)
    items = [
        item_create(_priority(plan, code), data=item_data(activity=code), user=manager)
        for code in ("U3", "U3", "U7")
    ]
    view = plan_view(plan, today=dt.date(2025, 7, 15))
    assert (view.planned, view.realised, view.percent_text) == (3, 0, "0.00")
    assert view.indicator_8.score == 1 and view.indicator_9.score == 0
    done = dt.date(2025, 7, 10)
    for item in items[:2]:
        realisation_update(
            item,
            status="sudah",
            done_on=done,
            description="ok",
            obstacles="",
            user=manager,
            today=done,
        )
    view = plan_view(plan, today=dt.date(2025, 7, 15))
    assert view.percent_text == "66.67" and view.indicator_8.score == 3
    realisation_update(
        items[2],
        status="sudah",
        done_on=dt.date(2025, 9, 30),
        description="ok",
        obstacles="",
        user=manager,
        today=dt.date(2025, 10, 1),
    )
    view = plan_view(plan, today=dt.date(2025, 10, 1))
    assert view.percent_text == "100.00" and view.indicator_8.score == 5
    # report 30 June 2025, last item 30 September: within 3 months (information)
    assert view.completion.score == 4
    # the evaluators' rule needs the Laporan Tindak Lanjut's issue date
    assert view.indicator_9.score == 0 and "Laporan Tindak Lanjut" in view.indicator_9.basis
    plan_set_report_date(plan, dt.date(2025, 6, 30), dt.date(2025, 12, 30))
    view = plan_view(plan, today=dt.date(2025, 10, 1))
    assert view.indicator_9.score == 3 and view.completion.score == 4
    with pytest.raises(ValidationError):
        plan_set_report_date(plan, dt.date(2025, 6, 30), dt.date(2025, 6, 29))
    plan.refresh_from_db()
    assert plan.followup_reported_on == dt.date(2025, 12, 30)
    assert "100%" in view.sentence() or "100 %" in view.sentence()


def test_overdue_items_by_target_date_or_last_quarter(surveyed, unit, manager):
    plan = plan_create(period=surveyed, unit=unit, user=manager)
    u3 = _priority(plan, "U3")
    by_quarter = item_create(u3, data=item_data(quarters="3"), user=manager)
    by_date = item_create(u3, data=item_data(target_date=dt.date(2025, 8, 1)), user=manager)
    view = plan_view(plan, today=dt.date(2025, 9, 30))
    assert [i.overdue for i in view.items] == [False, True]
    view = plan_view(plan, today=dt.date(2025, 10, 1))
    assert [i.overdue for i in view.items] == [True, True] and view.overdue == 2
    realisation_update(
        by_quarter,
        status="sudah",
        done_on=dt.date(2025, 10, 1),
        description="ok",
        obstacles="",
        user=manager,
        today=dt.date(2025, 10, 1),
    )
    assert plan_view(plan, today=dt.date(2025, 10, 1)).overdue == 1
    assert by_date.pk


def test_a_final_plan_locks_the_plan_but_not_the_realisation(surveyed, unit, manager):
    plan = plan_create(period=surveyed, unit=unit, user=manager)
    with pytest.raises(PlanError):
        plan_finalise(plan, user=manager)  # no item yet
    item = item_create(_priority(plan, "U3"), data=item_data(), user=manager)
    plan = plan_finalise(plan, user=manager, note="Disetujui Kepala Dinas")
    assert plan.is_final and plan.finalised_by == manager
    for change in (
        lambda: item_create(_priority(plan, "U7"), data=item_data(), user=manager),
        lambda: item_update(item, data={"activity": "lain"}, user=manager),
        lambda: item_move(item, 1, user=manager),
        lambda: priority_add(plan, element_code="U1", reason="x", user=manager),
        lambda: priority_drop(_priority(plan, "U7"), reason="x", user=manager),
        lambda: item_delete(item, user=manager),
    ):
        with pytest.raises(PlanError):
            change()
    realisation_update(
        item, status="proses", done_on=None, description="", obstacles="", user=manager
    )
    with pytest.raises(PlanError):
        plan_reopen(plan, user=manager, note="  ")
    plan = plan_reopen(plan, user=manager, note="Tambah kegiatan U7")
    assert not plan.is_final
    assert list(plan.events.values_list("action", "note")) == [
        ("created", plan.events.first().note),
        ("final", "Disetujui Kepala Dinas"),
        ("reopened", "Tambah kegiatan U7"),
    ]
    item_update(item, data={"activity": "Kegiatan baru"}, user=manager)
    change = item.changes.filter(action=ItemChange.Action.CHANGED).get()
    assert change.changes["activity"][1] == "Kegiatan baru"


def test_unfinished_items_are_carried_over_and_done_elements_show_their_effect(
    surveyed, next_period, unit, manager
):
    plan = plan_create(period=surveyed, unit=unit, user=manager)
    done = item_create(_priority(plan, "U3"), data=item_data(activity="Selesai"), user=manager)
    open_item = item_create(
        _priority(plan, "U9"), data=item_data(activity="Kursi ruang tunggu"), user=manager
    )
    realisation_update(
        done,
        status="sudah",
        done_on=dt.date(2025, 7, 10),
        description="ok",
        obstacles="",
        user=manager,
        today=dt.date(2025, 7, 10),
    )
    realisation_update(
        open_item,
        status="proses",
        done_on=None,
        description="Pengadaan",
        obstacles="Anggaran",
        user=manager,
    )

    following = plan_create(period=next_period, unit=unit, user=manager)
    carried = PlanItem.objects.get(priority__plan=following, carried_from=open_item)
    assert carried.activity == "Kursi ruang tunggu" and carried.status == "proses"
    assert carried.priority.element_code == "U9"
    assert carried.changes.get().action == ItemChange.Action.CARRIED
    assert not PlanItem.objects.filter(priority__plan=following, carried_from=done).exists()
    # U9 is no longer among the lowest three in the next period: it comes as "carried"
    assert carried.priority.source == PlanPriority.Source.CARRIED

    view = plan_view(following)
    assert view.previous_plan == plan
    [effect] = view.effects
    assert effect.code == "U3" and effect.done_items == ["Selesai"]
    assert (effect.previous_score, effect.score, effect.change) == ("50.00", "75.00", "+25.00")
    data = plan_dict(view)
    carried_json = next(
        i for p in data["priorities"] for i in p["items"] if i["activity"] == "Kursi ruang tunggu"
    )
    assert carried_json["continued_from"] == surveyed.slug


@pytest.mark.parametrize(
    ("text", "own", "expected"),
    [
        # the seed's Tabel 2: 1.2 (5S courtesy) filed under Waktu, 2.1 (speed) under Perilaku
        (
            "Memberikan pembinaan kepada pelaksana pelayanan agar senantiasa menerapkan 5S "
            "(senyum, salam, sapa, sopan dan santun)",
            "U3",
            "U7",
        ),
        (
            "Memberikan pembinaan dan arahan kepada tim penyelenggara pelayanan agar dapat "
            "menyelesaikan layanan lebih cepat dan tidak melewati batas waktu yang tertuang "
            "dalam SOP",
            "U7",
            "U3",
        ),
        (
            "Memberikan pembinaan terhadap pelaksana pelayanan agar memulai pelayanan sesuai "
            "dengan jam layanan.",
            "U3",
            None,
        ),
        (
            "Memberikan pembinaan dan pendampingan terhadap pelaksana pelayanan dengan kinerja "
            "yang tidak sesuai harapan agar senantiasa menjaga kode etik pelayanan.",
            "U7",
            None,
        ),
        (
            "Melakukan pengadaan sarana dan prasarana penunjang pelayanan dengan tujuan untuk "
            "meningkatkan kenyamanan pengguna layanan",
            "U9",
            None,
        ),
    ],
)
def test_items_filed_under_the_wrong_element_are_caught(text, own, expected):
    assert misfiled_element(text, own, CODES) == expected


def test_strategies_need_a_followup_strategy_owner_and_target(surveyed, unit, manager):
    plan = plan_create(period=surveyed, unit=unit, user=manager)
    with pytest.raises(PlanError) as refused:
        strategy_create(plan, data={"strategy": "", "owner_title": ""})
    assert set(refused.value.messages) == {"followup", "strategy", "owner_title", "target_quarter"}
    row = strategy_create(
        plan,
        data={
            "followup": "Evaluasi standar pelayanan",
            "strategy": "Public hearing",
            "target_quarter": 3,
            "owner_title": "Kepala Dinas",
            "stakeholders": "Pengguna layanan, PD terkait\normas",
        },
    )
    assert row.stakeholder_list() == ["Pengguna layanan", "PD terkait", "ormas"]
    [strategy] = plan_dict(plan_view(plan))["strategies"]
    assert strategy["number"] == 1 and strategy["target_quarter"] == 3
