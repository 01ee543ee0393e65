"""Deleting a response: kept as a record with who, when and why, counted nowhere, audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from skm.audit.models import AuditEvent
from skm.surveys.counts import verify
from skm.surveys.models import Response
from skm.surveys.selectors import period_result, period_summary
from skm.surveys.services import response_create, response_delete


def _store(period, unit, values):
    return [
        response_create(
            period=period,
            unit=unit,
            channel="paper",
            answers={f"U{i}": v for i in range(1, 10)},
            suggestion="x",
        )
        for v in values
    ]


def test_a_deleted_response_counts_nowhere_and_stays_as_a_record(period, unit, manager):
    _kept, duplicate = _store(period, unit, [4, 1])
    assert period_result(period).respondents == 2
    response_delete(response=duplicate, reason="Kertas yang sama diketik dua kali", user=manager)
    result = period_result(period)
    assert result.respondents == 1 and result.ikm_text == "100.00"
    assert period_summary(period, date_from=period.start_date).respondents == 1  # raw path
    assert verify() == []
    record = Response.all_objects.get(pk=duplicate.pk)
    assert record.deleted_by == manager and record.delete_reason.startswith("Kertas")
    assert not Response.objects.filter(pk=duplicate.pk).exists()
    event = AuditEvent.objects.get(model="surveys.response", action="delete")
    assert event.user == manager and event.note.startswith("Kertas")
    assert event.changes["answers"][0].startswith("1 1 1")
    with pytest.raises(ValidationError):
        response_delete(response=record, reason="lagi", user=manager)


def test_a_reason_is_required(period, unit, manager):
    [response] = _store(period, unit, [3])
    with pytest.raises(ValidationError):
        response_delete(response=response, reason="  ", user=manager)
    assert Response.objects.filter(pk=response.pk).exists()


def test_a_replay_of_a_deleted_response_does_not_bring_it_back(period, unit, manager):
    import uuid

    client_id = uuid.uuid4()
    response = response_create(
        period=period,
        unit=unit,
        channel="kiosk",
        answers={f"U{i}": 2 for i in range(1, 10)},
        client_id=client_id,
    )
    response_delete(response=response, reason="uji", user=manager)
    again = response_create(
        period=period,
        unit=unit,
        channel="kiosk",
        answers={f"U{i}": 2 for i in range(1, 10)},
        client_id=client_id,
    )
    assert again.pk == response.pk and Response.objects.count() == 0
    assert verify() == []


def test_the_page_lists_and_deletes_for_administrators_only(
    client, period, unit, manager, operator
):
    [response] = _store(period, unit, [4])
    url = f"/staf/unit/{unit.slug}/jawaban/?periode={period.slug}"
    client.force_login(operator)
    assert client.get(url).status_code == 404
    client.force_login(manager)
    page = client.get(url).content.decode()
    assert f"#{response.pk}" in page or f">{response.pk}<" in page
    client.post(f"/staf/unit/{unit.slug}/jawaban/{response.pk}/hapus/", {"reason": ""})
    assert Response.objects.filter(pk=response.pk).exists()
    client.post(f"/staf/unit/{unit.slug}/jawaban/{response.pk}/hapus/", {"reason": "Uji coba"})
    assert not Response.objects.filter(pk=response.pk).exists()
    assert "Uji coba" in client.get(url).content.decode()
