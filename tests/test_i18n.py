"""Indonesian by default, English on request, and catalogues that are complete and compiled."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

LOCALE = Path(__file__).resolve().parent.parent / "skm" / "locale"
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))


def test_there_is_an_indonesian_catalogue():
    assert LOCALE / "id" / "LC_MESSAGES" / "django.po" in CATALOGUES


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_catalogue_is_complete_and_the_committed_mo_matches_it(po_path):
    po = polib.pofile(str(po_path))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    compiled = polib.mofile(str(po_path.with_suffix(".mo")))
    assert {(e.msgctxt, e.msgid): e.msgstr for e in compiled if e.msgid} == {
        (e.msgctxt, e.msgid): e.msgstr for e in po.translated_entries()
    }


def test_messages_are_indonesian_by_default():
    with translation.override(settings.LANGUAGE_CODE):
        assert str(translation.gettext("Nothing was imported.")) == "Tidak ada yang diimpor."


def test_back_office_is_indonesian_even_for_an_english_browser(admin_client):
    page = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    text = page.content.decode()
    assert page.status_code == 200
    assert page["Content-Language"] == "id"
    assert "Kantor belakang" in text and "Unit layanan" in text


def test_back_office_switches_to_english_and_back(admin_client):
    response = admin_client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    assert response.status_code == 302
    text = admin_client.get("/admin/").content.decode()
    assert "Back office" in text and "Units" in text
    admin_client.post("/i18n/setlang/", {"language": "id", "next": "/admin/"})
    assert "Kantor belakang" in admin_client.get("/admin/").content.decode()


def test_health_check(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True}


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_catalogue_passes_gnu_msgfmt_check(po_path):
    """Duplicates or broken plurals make `make messages` (msgmerge) fail for the next person."""
    import shutil
    import subprocess

    if not shutil.which("msgfmt"):
        pytest.skip("GNU gettext is not installed")
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(po_path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
