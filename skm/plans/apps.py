from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "skm.plans"
    label = "plans"
    verbose_name = _("Follow-up plans")
    default_auto_field = "django.db.models.BigAutoField"
