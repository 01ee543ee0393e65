from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "skm.plans"
    label = "plans"
    verbose_name = _("Follow-up plans")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from PIL import Image

        from skm.plans.evidence import MAX_PIXELS

        # Pillow's own decompression-bomb guard, for every image this process opens: a
        # warning above MAX_PIXELS, an error (DecompressionBombError) above twice that,
        # raised by Image.open before any pixel is decoded. Evidence uploads have the
        # tighter budget of skm.plans.evidence.MAX_DECODED_BYTES on top.
        Image.MAX_IMAGE_PIXELS = MAX_PIXELS
