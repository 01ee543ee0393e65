"""Results API: units, periods and results (the `skm results --json` shapes).

Who sees what: a staff session sees the units of its roles (skm.org.access); a unit's API
key (Authorization: Bearer) sees that unit and the units below it; without either, only
published results (and the units and periods that have them) are readable. Anything else
is a 404, so that the existence of a unit or period does not leak.

What "published" shows: exactly the open data (``published_result``, the one function of
every public surface: minimum-cell rule, no figures of a period that is not closed, a
closed period's snapshot). A unit's API key is its staff's machine access and reads the
unit's own figures, as its staff see them on the dashboard (docs/privacy.md).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import HttpError

from skm.org.access import units_for_user
from skm.org.models import Unit
from skm.surveys.breakdowns import BY, part_dict, results_by, results_of_children
from skm.surveys.counts import one_reading
from skm.surveys.invitations import api_key_verify
from skm.surveys.models import Period, Publication
from skm.surveys.publication import published_result
from skm.surveys.results import periods_covering
from skm.surveys.selectors import period_result

router = Router(tags=["results"])


def _key_units(request: HttpRequest) -> QuerySet[Unit] | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    api_key = api_key_verify(key=token.strip())
    if api_key is None:
        raise HttpError(401, _("Unknown or revoked API key."))
    return Unit.objects.filter(path__startswith=api_key.unit.path)


def _visible_units(request: HttpRequest) -> QuerySet[Unit] | None:
    """Units the caller may read everything of; None for an anonymous caller."""
    by_key = _key_units(request)
    if by_key is not None:
        return by_key
    if request.user.is_authenticated:
        return units_for_user(request.user)
    return None


def _unit_and_period(request: HttpRequest, unit_slug: str, period_slug: str):
    visible = _visible_units(request)
    unit = Unit.objects.filter(slug=unit_slug).first()
    if unit is None:
        raise Http404
    period = next((p for p in periods_covering(unit) if p.slug == period_slug), None)
    if period is None:
        raise Http404
    if visible is not None and visible.filter(pk=unit.pk).exists():
        return unit, period, False
    if Publication.objects.filter(unit=unit, period=period).exists():
        return unit, period, True
    raise Http404


def _period_dict(period: Period, published: bool) -> dict:
    return {
        "slug": period.slug,
        "name": period.name,
        "kind": period.kind,
        "start_date": period.start_date.isoformat(),
        "end_date": period.end_date.isoformat(),
        "status": period.status,
        "owner": period.unit.slug,
        "published": published,
    }


@router.get("/units", summary="Units the caller may read")
def units(request: HttpRequest) -> list[dict]:
    visible = _visible_units(request)
    if visible is None:
        visible = Unit.objects.filter(publications__isnull=False).distinct()
    return [
        {
            "slug": u.slug,
            "name": u.name,
            "agency": u.agency.name,
            "parent": u.parent.slug if u.parent else None,
        }
        for u in visible.select_related("agency", "parent").order_by("path")
    ]


@router.get("/units/{unit_slug}/periods", summary="Periods covering a unit")
def periods(request: HttpRequest, unit_slug: str) -> list[dict]:
    unit = Unit.objects.filter(slug=unit_slug).first()
    if unit is None:
        raise Http404
    visible = _visible_units(request)
    published = set(Publication.objects.filter(unit=unit).values_list("period_id", flat=True))
    full = visible is not None and visible.filter(pk=unit.pk).exists()
    rows = [
        _period_dict(p, p.pk in published)
        for p in periods_covering(unit)
        if full or p.pk in published
    ]
    if not rows and not full:
        raise Http404
    return rows


@router.get(
    "/results/{unit_slug}/{period_slug}",
    summary="The IKM of a unit and period (the `skm results --json` shape)",
)
@one_reading()
def results(
    request: HttpRequest,
    unit_slug: str,
    period_slug: str,
    by: str | None = None,
    children: bool = False,
) -> dict:
    unit, period, published_only = _unit_and_period(request, unit_slug, period_slug)
    if by is not None:
        if by not in BY:
            raise HttpError(422, _("by must be one of: %(choices)s") % {"choices": ", ".join(BY)})
        if published_only:
            # Breakdowns may hold groups of fewer than five respondents: staff only.
            raise Http404
        from skm.surveys.retention import RawDataRemoved

        try:
            parts = results_by(period, unit=unit, by=by)
        except RawDataRemoved as removed:
            raise HttpError(409, str(removed)) from None
        return {
            "unit": unit.slug,
            "period": period.slug,
            "by": by,
            "groups": [part_dict(p) for p in parts],
        }
    if children:
        if published_only:
            raise Http404
        found = results_of_children(period, unit=unit)
        return {
            "unit": unit.slug,
            "period": period.slug,
            "rule": found.rollup.rule if found.rollup else None,
            "rollup": found.rollup.result.to_dict() if found.rollup else None,
            "children": [part_dict(p, "unit") for p in found.children],
        }
    if published_only:
        publication = Publication.objects.select_related("period", "unit__agency").get(
            unit=unit, period=period
        )
        return published_result(publication).to_dict()
    return period_result(period, unit=unit).to_dict()
