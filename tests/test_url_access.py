"""Every URL pattern of the project is either public by design (listed here, with the reason)
or refuses an anonymous visitor and a user of another unit.

The test walks the URL configuration, so a new page that is not classified here fails it:
whoever adds a page must decide which it is. Objects of a unit the user cannot see are a
404 (never a 403), so that their existence does not leak.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver

from skm.org.models import Membership
from skm.org.services import role_invitation_create, service_create, unit_create
from skm.plans.services import evidence_add, item_create, plan_create, strategy_create
from skm.reports.models import ReportJob
from skm.surveys.kiosks import kiosk_create
from skm.surveys.models import Period, Response
from skm.surveys.services import period_create, response_create
from tests.conftest import member

# Public by design: (route prefix or exact route, why).
PUBLIC = {
    "": "the public portal: units with an open survey or published results (tests/public)",
    "healthz": "load balancer health check, no data",
    "privasi/": "the privacy notice, no data",
    "i18n/setlang/": "language switch",
    "staf/masuk/": "the login page",
    "staf/masuk/kode/": "the login's code step; only for an account whose password was right",
    "staf/keluar/": "logging out",
    "staf/lupa-sandi/": "asking for a password reset e-mail",
    "staf/sandi/": "setting a password with a one-time token",
    "staf/undangan/<str:token>/": "a role invitation: the one-time link is the credential "
    "(tests/dashboard/test_account_takeover.py)",
    "api/v1/openapi.json": "the API description",
    "api/v1/docs": "the API documentation",
    "api/v1/": "the API root",
    "api/v1/units": "published units for everyone, more with a session or key (tested in api)",
    "api/v1/units/<unit_slug>/periods": "as above",
    "api/v1/results/<unit_slug>/<period_slug>": "published results, more with a session or key",
    "api/v1/invitations": "API key only (tests/api)",
    "s/": "the public survey form",
    "kios/": "the kiosk, authenticated by its device token (tests/kiosk)",
    "p/": "published results only (tests/publication)",
}
# Staff pages that are not about one unit: they list what the user's roles allow.
STAFF_GLOBAL = {
    "staf/",
    "staf/rtl/",
    "staf/rtl/katalog/",
    "staf/audit/",
    "staf/akun/",
    "staf/akun/peran/<int:membership_id>/hapus/",
    "staf/akun/<int:user_id>/aktif/",
    "staf/akun/undangan/<int:invitation_id>/tarik/",
    "staf/akun/dua-faktor/",
}
# Pages of a whole agency (the IKM recap): only a role on the whole agency opens them; a
# role on one of its units is a 404 like a stranger's.
AGENCY_PRIVATE = "staf/instansi/"
# API endpoints that are never public: anonymous and other units get 404.
API_PRIVATE = (
    "api/v1/plans/",
    "api/v1/reports/",
)


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern).lstrip("^").rstrip("$")


def _routes() -> list[str]:
    return sorted({r for r in _walk(get_resolver().url_patterns) if not r.startswith("admin/")})


def _public(route: str) -> bool:
    return route in PUBLIC or any(
        route.startswith(p) for p in PUBLIC if p.endswith("/") and p not in ("", "api/v1/")
    )


@pytest.fixture
def world(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    from skm.org.services import agency_create

    agency = agency_create(name="Pemerintah Kota Uji", city="Kota Uji")
    unit = unit_create(agency=agency, name="Dinas A")
    other = unit_create(agency=agency, name="Dinas B")
    service_create(unit=unit, name="KTP-el")
    period = period_create(
        unit=unit,
        name="Semester I 2025",
        kind=Period.Kind.SEMESTER,
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2025, 6, 30),
        population=100,
        status=Period.Status.OPEN,
    )
    for value in (2, 3, 4):
        response_create(
            period=period,
            unit=unit,
            channel="paper",
            answers={f"U{i}": value for i in range(1, 10)},
            suggestion="Antrean lama",
        )
    plan = plan_create(period=period, unit=unit, user=None)
    priority = plan.priorities.first()
    item = item_create(
        priority,
        data={"activity": "Kegiatan", "quarters": "3", "year": 2025, "owner_title": "Kepala"},
        user=None,
    )
    evidence = evidence_add(
        item, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n"), caption="", user=None
    )
    strategy = strategy_create(
        plan, data={"followup": "x", "strategy": "y", "target_quarter": 3, "owner_title": "z"}
    )
    kiosk, _code = kiosk_create(unit=unit, name="Loket 1")
    from skm.transfer.jobs import import_job_create

    job = import_job_create(
        unit=unit,
        period=period,
        upload=SimpleUploadedFile("a.csv", b"U1,U2\n4,4\n", content_type="text/csv"),
    )
    report = ReportJob.objects.create(
        ref=uuid.uuid4(), unit=unit, period=period, kind="hasil", fmt="pdf", status="done"
    )
    from skm.reports.services import publication_medium_add

    medium = publication_medium_add(
        unit=unit,
        period=period,
        kind="poster",
        published_on=dt.date(2025, 7, 10),
        upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    values = {
        "unit_slug": unit.slug,
        "service_slug": "ktp-el",
        "period_slug": period.slug,
        "kiosk_id": kiosk.pk,
        "job_ref": job.stored_name,
        "plan_id": plan.pk,
        "priority_id": priority.pk,
        "item_id": item.pk,
        "evidence_id": evidence.pk,
        "photo_id": 0,
        "medium_id": medium.pk,
        "strategy_id": strategy.pk,
        "ref": report.ref,
        "kind": "hasil",
        "report": "hasil",
        "number": "1.1",
        "response_id": Response.objects.filter(unit=unit).first().pk,
        "membership_id": 0,
        "user_id": 0,
        "invitation_id": role_invitation_create(unit=unit, role="operator")[0].pk,
        "token": "x",
        "agency_slug": agency.slug,
    }
    return {
        "unit": unit,
        "values": values,
        "stranger": member(other, "admin-b", Membership.Role.UNIT_ADMIN),
    }


def _url(route: str, values: dict) -> str:
    def fill(match):
        name = match.group(2)
        return str(values[name])

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, route)


def test_every_route_is_classified(world):
    unknown = [
        r
        for r in _routes()
        if not _public(r)
        and r not in STAFF_GLOBAL
        and not r.startswith("staf/unit/")
        and not r.startswith(AGENCY_PRIVATE)
        and not r.startswith(API_PRIVATE)
    ]
    assert unknown == [], "classify these routes in tests/test_url_access.py"


def test_unit_pages_refuse_anonymous_visitors_and_other_units(client, world):
    routes = [r for r in _routes() if r.startswith("staf/unit/")]
    assert len(routes) > 50
    for route in routes:
        url = _url(route, world["values"])
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302, (method, url, response.status_code)
            assert response["Location"].startswith("/staf/masuk/"), url
    client.force_login(world["stranger"])
    for route in routes:
        url = _url(route, world["values"])
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in (404, 405), (method, url, response.status_code)


def test_agency_pages_refuse_anonymous_visitors_and_unit_roles(client, world):
    routes = [r for r in _routes() if r.startswith(AGENCY_PRIVATE)]
    assert len(routes) >= 4
    for route in routes:
        url = _url(route, world["values"])
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302, (method, url, response.status_code)
            assert response["Location"].startswith("/staf/masuk/"), url
    # an administrator of one unit of this very agency
    client.force_login(world["stranger"])
    for route in routes:
        url = _url(route, world["values"])
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in (404, 405), (method, url, response.status_code)


def test_private_api_endpoints_are_404_for_anonymous_and_other_units(client, world):
    routes = [r for r in _routes() if r.startswith(API_PRIVATE)]
    assert routes

    def call(route):
        url = _url(route, world["values"])
        if route.endswith("<number>"):  # a valid body, so that access is what is tested
            return client.patch(url, '{"status": "belum"}', content_type="application/json")
        return client.get(url)

    for route in routes:
        assert call(route).status_code == 404, route
    client.force_login(world["stranger"])
    for route in routes:
        assert call(route).status_code == 404, route


def test_global_staff_pages_need_a_login_and_show_only_the_users_units(client, world):
    for route in sorted(STAFF_GLOBAL):
        response = client.get(_url(route, world["values"]))
        assert response.status_code == 302 and response["Location"].startswith("/staf/masuk/")
    client.force_login(world["stranger"])
    for route in sorted(STAFF_GLOBAL):
        response = client.get(_url(route, world["values"]))
        assert response.status_code in (200, 404, 405), route
        assert world["unit"].name.encode() not in response.content, route


def test_public_routes_of_an_unpublished_unit_show_nothing_of_it(client, world):
    values = world["values"]
    for route in _routes():
        if not route.startswith("p/") or route == "p/":
            continue
        response = client.get(_url(route, values))
        assert response.status_code == 404, route
    # /p/ and /s/ are the portal's list, which names no unit without an open survey or
    # published results (this one's period is not open today)
    for path in ("/", "/p/", "/s/"):
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        assert response.redirect_chain in ([], [("/", 302)]), path
        assert world["unit"].name.encode() not in response.content, path


def test_the_back_office_is_for_staff_accounts_only(client, world):
    assert client.get("/admin/").status_code == 302
    client.force_login(world["stranger"])
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
