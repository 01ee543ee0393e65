"""The public front door: / (and /s/, /p/, which send visitors here).

It lists the units a citizen can do something with: those whose survey is open today (a
period of their own or of a unit above, as the form itself decides) and those with
published results. A unit with neither is not listed, so the portal shows no more of the
organisation than the survey and the publications already do (docs/public.md). The
figures come from ``published_result``, the one gate of every public figure: nothing of an
unpublished period, nothing of an open one, nothing under the minimum-cell rule.

The search is a GET form (?q=): it works without JavaScript and its result has an address
that can be shared.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count, Max
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from skm.org.models import Agency, Service, Unit
from skm.reports.data import DEFAULT_NUMBER_STYLE, number_styles
from skm.reports.models import ReportProfile
from skm.surveys.models import Period, Publication
from skm.surveys.publication import PublishedResult, published_result
from skm.surveys.selectors import period_in_force

# A search longer than this is cut: nobody types a longer unit name.
QUERY_MAX = 100
# The list of units is cached this long at most (as the public /p/ pages).
CACHE_SECONDS = 300


@dataclass
class PortalUnit:
    unit: Unit
    trail: list[str]  # the names of the units above, root first (listed or not)
    services: list[Service] = field(default_factory=list)
    survey_open: bool = False  # a period covers the unit today
    invitation_only: bool = False  # the form needs a single-use invitation
    published: bool = False  # /p/<unit>/ exists
    result: PublishedResult | None = None  # the latest publication with an IKM shown
    matched_services: list[Service] = field(default_factory=list)
    number_style: str = DEFAULT_NUMBER_STYLE  # the unit's, as its documents print figures

    @property
    def can_fill(self) -> bool:
        return self.survey_open and not self.invitation_only

    def words(self) -> str:
        names = [self.unit.name, self.unit.agency.name, *self.trail]
        names += [s.name for s in self.services]
        return " ".join(names).casefold()


def _open_unit_ids(units: list[Unit]) -> set[int]:
    """The units covered today by an open period of their own or of a unit above (the
    rule of ``period_in_force``, for every unit in one query)."""
    today = timezone.localdate()
    owners = set(
        Period.objects.filter(
            status=Period.Status.OPEN, start_date__lte=today, end_date__gte=today
        ).values_list("unit_id", flat=True)
    )
    return {
        u.pk
        for u in units
        if any(int(part) in owners for part in u.path.strip("/").split("/") if part)
    }


def _fingerprint() -> str:
    """What the list depends on, in five aggregate queries: any unit, service, period,
    publication or report settings (the number style) added, changed (its ``updated_at``),
    deleted or moved to another status, and the date, change it."""
    parts = [
        timezone.localdate().isoformat(),
        Unit.objects.aggregate(n=Count("id"), t=Max("updated_at")),
        Service.objects.aggregate(n=Count("id"), t=Max("updated_at")),
        list(
            Period.objects.values("status")
            .annotate(n=Count("id"), t=Max("updated_at"))
            .order_by("status")
        ),
        Publication.objects.aggregate(n=Count("id"), last=Max("id"), t=Max("published_at")),
        ReportProfile.objects.aggregate(n=Count("id"), t=Max("updated_at")),  # number style
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def public_units() -> list[PortalUnit]:
    """Every unit with an open survey or published results, in tree order.

    Kept in the cache for CACHE_SECONDS under a key that changes with the data it reads
    (``_fingerprint``), so the portal costs a few queries per visit instead of a few per
    published unit; only a closed period's snapshot refreshed by late responses
    (``published_result``) shows up to CACHE_SECONDS late, as on the cached /p/ pages.
    """
    key = f"skm.public.portal.{_fingerprint()}"
    rows = cache.get(key)
    if rows is None:
        rows = _public_units()
        cache.set(key, rows, CACHE_SECONDS)
    return rows


def _public_units() -> list[PortalUnit]:
    units = list(Unit.objects.select_related("agency").order_by("agency__name", "path"))
    names = {u.pk: u.name for u in units}
    open_ids = _open_unit_ids(units)
    publications: dict[int, list[Publication]] = {}
    for publication in (
        Publication.objects.select_related("period", "period__unit", "unit", "unit__agency")
        .order_by("-period__end_date", "-period__start_date", "-published_at")
        .iterator()
    ):
        publications.setdefault(publication.unit_id, []).append(publication)
    listed = [u for u in units if u.pk in open_ids or u.pk in publications]
    services: dict[int, list[Service]] = {}
    for service in Service.objects.filter(
        unit__in=[u.pk for u in listed if u.pk in open_ids], is_active=True
    ).order_by(Lower("name")):  # as the form's list (skm.public.forms.service_choices)
        services.setdefault(service.unit_id, []).append(service)
    styles = number_styles(listed)
    rows = []
    for unit in listed:
        above = [int(p) for p in unit.path.strip("/").split("/")[:-1] if p]
        rows.append(
            PortalUnit(
                unit=unit,
                trail=[names[i] for i in above if i in names],
                services=services.get(unit.pk, []),
                survey_open=unit.pk in open_ids,
                invitation_only=unit.invitation_required,
                published=unit.pk in publications,
                number_style=styles[unit.pk],
            )
        )
    for row in rows:
        for publication in publications.get(row.unit.pk, []):
            # The latest publication with a figure: an open period's shows none, nor one
            # under the minimum-cell rule.
            result = published_result(publication)
            if result.ikm is not None:
                row.result = result
                break
    return rows


def survey_url(unit: Unit) -> str | None:
    """The address of the unit's survey form when a citizen can fill it in today (a period
    covers the unit and it needs no invitation), else None."""
    if unit.invitation_required or period_in_force(unit) is None:
        return None
    return reverse("public:form", args=[unit.slug])


def _search(rows: list[PortalUnit], query: str) -> list[PortalUnit]:
    """Rows whose unit, agency, units above or services contain every word of the query
    (case-insensitive); the services that match are remembered, to open their list."""
    words = query.casefold().split()
    found = []
    for row in rows:
        text = row.words()
        if all(word in text for word in words):
            row = copy.copy(row)  # the cached row stays as it was
            row.matched_services = [
                s for s in row.services if any(word in s.name.casefold() for word in words)
            ]
            found.append(row)
    return found


@require_safe
def portal(request: HttpRequest) -> HttpResponse:
    query = " ".join(request.GET.get("q", "").split())[:QUERY_MAX]
    everything = public_units()
    rows = _search(everything, query) if query else everything
    groups: dict[int, tuple[Agency, list[PortalUnit]]] = {}
    for row in rows:
        groups.setdefault(row.unit.agency_id, (row.unit.agency, []))[1].append(row)
    agencies = list({row.unit.agency_id: row.unit.agency for row in everything}.values())
    return render(
        request,
        "public/portal.html",
        {
            "query": query,
            "groups": list(groups.values()),
            "found": len(rows),
            "total": len(everything),
            "agencies": agencies,
        },
    )


@require_safe
def to_portal(request: HttpRequest) -> HttpResponse:
    """/s/ and /p/: the list of units is the portal (one page, one address); the search
    travels along."""
    url = reverse("home")
    query = " ".join(request.GET.get("q", "").split())[:QUERY_MAX]
    if query:
        url += "?" + urlencode({"q": query})
    return redirect(url)
