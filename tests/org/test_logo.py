"""Agency logos: PNG or JPEG by content, at most 2 MB, stored under a generated name."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from skm.org.models import logo_path, validate_logo
from tests.plans.test_evidence import png_bytes


def test_png_and_jpeg_pass():
    validate_logo(SimpleUploadedFile("logo.png", png_bytes()))
    validate_logo(SimpleUploadedFile("logo.jpg", b"\xff\xd8\xff\xe0" + b"0" * 100))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("logo.png", b"<html><body>x</body></html>"),
        ("logo.png", b"GIF89a....."),
    ],
)
def test_anything_else_is_refused_whatever_its_name(name, content):
    with pytest.raises(ValidationError, match="PNG"):
        validate_logo(SimpleUploadedFile(name, content))


def test_a_logo_above_2_mb_is_refused():
    with pytest.raises(ValidationError):
        validate_logo(SimpleUploadedFile("logo.png", png_bytes() + b"0" * (2 * 1024 * 1024)))


def test_the_stored_name_never_comes_from_the_upload():
    path = logo_path(None, "../../etc/passwd.png")
    assert path.startswith("logos/") and ".." not in path and "passwd" not in path
