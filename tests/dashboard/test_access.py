"""Who reaches the data pages: anonymous -> login; other units -> 404; roles as documented.

Operators type paper questionnaires and import files (ENTRY_ROLES); posters and exports
belong to administrators (MANAGE_ROLES); the head of unit only reads.
"""

from __future__ import annotations

import pytest

ENTRY_PAGES = ["kertas/", "impor/"]
MANAGE_PAGES = [
    "poster/",
    "poster/kode-qr.png",
    "poster/kode-qr.svg",
    "poster/poster.pdf",
    "poster/ktp-el/kode-qr.png",
    "ekspor/",
]


@pytest.fixture
def ktp(unit):
    from skm.org.services import service_create

    return service_create(unit=unit, name="KTP-el")


def _get(client, unit, page):
    return client.get(f"/staf/unit/{unit.slug}/{page}")


@pytest.mark.parametrize("page", ENTRY_PAGES + MANAGE_PAGES)
def test_anonymous_goes_to_login(client, unit, ktp, current_period, page):
    response = _get(client, unit, page)
    assert response.status_code == 302
    assert response["Location"] == f"/staf/masuk/?next=/staf/unit/{unit.slug}/{page}"


@pytest.mark.parametrize("page", ENTRY_PAGES + MANAGE_PAGES)
def test_another_units_administrator_gets_404(client, stranger, unit, ktp, current_period, page):
    client.force_login(stranger)
    assert _get(client, unit, page).status_code == 404


@pytest.mark.parametrize("page", ENTRY_PAGES + MANAGE_PAGES)
def test_the_head_only_reads(client, head, unit, ktp, current_period, page):
    client.force_login(head)
    assert _get(client, unit, page).status_code == 404


@pytest.mark.parametrize("page", ENTRY_PAGES)
def test_operator_types_and_imports(operator_client, unit, ktp, current_period, page):
    assert _get(operator_client, unit, page).status_code == 200


@pytest.mark.parametrize("page", MANAGE_PAGES)
def test_operator_neither_prints_posters_nor_exports(
    operator_client, unit, ktp, current_period, page
):
    assert _get(operator_client, unit, page).status_code == 404


@pytest.mark.parametrize("page", ENTRY_PAGES + MANAGE_PAGES)
def test_unit_administrator_reaches_everything(manager_client, unit, ktp, current_period, page):
    assert _get(manager_client, unit, page).status_code == 200


def test_a_role_on_the_unit_above_covers_the_unit_below(manager_client, child, current_period):
    assert _get(manager_client, child, "kertas/").status_code == 200
    assert _get(manager_client, child, "ekspor/").status_code == 200
