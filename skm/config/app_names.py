"""Third-party apps with translatable names in the back office: django-otp's device apps
(their own have none: "Otp_Static", "Static devices", "TOTP devices" appeared untranslated)
and django-tasks' database backend ("Tasks Database Backend"). Labels and migrations are
theirs, unchanged."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticDefault
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPDefault
from django_tasks_db.apps import TasksAppConfig


class TOTPConfig(TOTPDefault):
    verbose_name = _("Authenticator apps (two-factor)")

    def ready(self) -> None:
        super().ready()
        meta = self.get_model("TOTPDevice")._meta
        meta.verbose_name = _("authenticator app (TOTP)")
        meta.verbose_name_plural = _("authenticator apps (TOTP)")


class StaticConfig(StaticDefault):
    verbose_name = _("Backup codes (two-factor)")

    def ready(self) -> None:
        super().ready()
        device = self.get_model("StaticDevice")._meta
        device.verbose_name = _("backup code set")
        device.verbose_name_plural = _("backup code sets")
        token = self.get_model("StaticToken")._meta
        token.verbose_name = _("backup code")
        token.verbose_name_plural = _("backup codes")


class TasksConfig(TasksAppConfig):
    verbose_name = _("Background tasks")
