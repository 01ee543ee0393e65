"""`skm apikey`: create (shown once), list or revoke a unit's API keys."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from skm.org.selectors import unit_by_ref
from skm.surveys.invitations import api_key_create, api_key_revoke
from skm.surveys.management.commands._common import fail
from skm.surveys.models import ApiKey


class Command(BaseCommand):
    help = _("Create, list or revoke the API keys of a unit (the key is shown only once).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help=_("unit slug or exact name"))
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--create", metavar="NAME", help=_("create a key with this name"))
        action.add_argument("--list", action="store_true", help=_("list the unit's keys"))
        action.add_argument("--revoke", metavar="PREFIX", help=_("revoke the key with this prefix"))
        parser.add_argument(
            "--realisation",
            action="store_true",
            help=_("with --create: the key may also record the realisation of plan items"),
        )

    def handle(self, *args, **opts) -> None:
        unit = unit_by_ref(opts["unit"])
        if unit is None:
            fail(
                self,
                [
                    _('Unit "%(ref)s" not found (use its slug or exact name).')
                    % {"ref": opts["unit"]}
                ],
            )
        if opts["create"]:
            _api_key, plaintext = api_key_create(
                unit=unit, name=opts["create"], may_update_realisation=opts["realisation"]
            )
            self.stdout.write(
                _("API key for %(unit)s (shown only now; store it safely):") % {"unit": unit.name}
            )
            self.stdout.write(plaintext)
            return
        keys = ApiKey.objects.filter(unit=unit).order_by("created_at")
        if opts["list"]:
            for key in keys:
                state = _("revoked") if key.revoked_at else _("active")
                scope = (
                    _("reads, records realisation") if key.may_update_realisation else _("reads")
                )
                self.stdout.write(f"{key.prefix}  {key.name}  {state}  ({scope})")
            return
        key = keys.filter(prefix=opts["revoke"], revoked_at__isnull=True).first()
        if key is None:
            fail(self, [_("No active key with prefix %(prefix)s.") % {"prefix": opts["revoke"]}])
        api_key_revoke(api_key=key)
        self.stdout.write(_("Key %(prefix)s revoked.") % {"prefix": key.prefix})
