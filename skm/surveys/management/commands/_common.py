"""Shared argument resolution for the survey commands (unit, period, service by ref)."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from skm.org.models import Service, Unit
from skm.org.selectors import service_by_ref, unit_by_ref
from skm.surveys.models import Period
from skm.surveys.selectors import period_by_ref


def fail(command: BaseCommand, lines: list[str], status: int = 2) -> None:
    """Print a user error without a traceback and exit with ``status``."""
    for line in lines:
        command.stderr.write(line)
    sys.exit(status)


def resolve(
    command: BaseCommand, unit_ref: str, period_ref: str, service_ref: str | None
) -> tuple[Unit, Period, Service | None]:
    unit = unit_by_ref(unit_ref)
    if unit is None:
        fail(
            command,
            [_('Unit "%(ref)s" not found (use its slug or exact name).') % {"ref": unit_ref}],
        )
    period = period_by_ref(unit, period_ref)
    if period is None:
        known = ", ".join(p.slug for p in Period.objects.filter(unit__in=[unit, *unit.ancestors()]))
        fail(
            command,
            [
                _('Period "%(ref)s" not found for %(unit)s. Known periods: %(known)s')
                % {"ref": period_ref, "unit": unit.name, "known": known or "-"}
            ],
        )
    service = None
    if service_ref:
        service = service_by_ref(unit, service_ref)
        if service is None:
            fail(
                command,
                [
                    _('Service "%(ref)s" not found for %(unit)s.')
                    % {"ref": service_ref, "unit": unit.name}
                ],
            )
    return unit, period, service
