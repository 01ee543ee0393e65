from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransferConfig(AppConfig):
    """File import/export: reading response files, `skm ikm`, `skm import`."""

    name = "skm.transfer"
    label = "transfer"
    verbose_name = _("Import and export")
