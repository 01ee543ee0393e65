"""`skm demo`: load the demo data (idempotent) and optionally reset the demo admin."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from skm.surveys.demo import demo_load
from skm.surveys.management.commands._common import fail

DEMO_USERNAME = "admin"
DEMO_PASSWORD = "admin"  # noqa: S105 - a demo account, refused in production


class Command(BaseCommand):
    help = _("Load the demo data (Pemerintah Kota Pekalongan); running it twice changes nothing.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset-admin",
            action="store_true",
            help=_("create or reset the demo administrator (admin/admin); not in production"),
        )
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help=_("URL to print"))

    def handle(self, *args, **opts) -> None:
        if opts["reset_admin"] and settings.PRODUCTION:
            fail(self, [_("The demo administrator cannot be created in production.")])
        summary = demo_load()
        from skm.plans.demo import demo_plans

        plans_created = demo_plans(summary.agency)
        self.stdout.write(
            _("Demo data loaded: %(agency)s.") % {"agency": summary.agency.name}
            if summary.created or plans_created
            else _("Demo data already present: %(agency)s (nothing changed).")
            % {"agency": summary.agency.name}
        )
        if opts["reset_admin"]:
            user_model = get_user_model()
            user, _created = user_model.objects.get_or_create(username=DEMO_USERNAME)
            user.is_staff = user.is_superuser = user.is_active = True
            user.set_password(DEMO_PASSWORD)
            user.save()
            url = opts["url"].rstrip("/") + "/staf/"
            self.stdout.write("")
            self.stdout.write("=" * 60)
            self.stdout.write(_("SKM is starting at %(url)s") % {"url": url})
            self.stdout.write(
                _("Log in with user %(user)s and password %(password)s")
                % {"user": DEMO_USERNAME, "password": DEMO_PASSWORD}
            )
            self.stdout.write("=" * 60)
