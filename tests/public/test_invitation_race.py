"""Two submissions with one invitation at the same moment: exactly one is stored."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection

from skm.surveys.invitations import InvitationUsed, invitation_mint, response_create_invited
from skm.surveys.models import Invitation, Response
from tests.public.helpers import ANSWERS, open_period_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the in-memory test database of SQLite locks whole tables instead of queueing "
    "writers (a file database with IMMEDIATE transactions serialises them); .ci/run runs "
    "this on PostgreSQL",
)
def test_concurrent_submissions_use_an_invitation_once(unit):
    period = open_period_for(unit)
    ((_invitation, token, _url),) = invitation_mint(unit=unit)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def submit() -> None:
        try:
            start.wait()
            response_create_invited(
                token=token,
                unit=unit,
                period=period,
                client_id=uuid.uuid4(),
                channel="online",
                answers=ANSWERS,
            )
            outcomes.append("stored")
        except InvitationUsed:
            outcomes.append("used")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["stored", "used"]
    assert Response.objects.count() == 1
    assert Invitation.objects.get().used_at is not None
