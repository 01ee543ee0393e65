"""Issue #14, points 3 and 4: the kop surat on the cover (emblem, government line, unit,
address, year), BAB headings as the seed sets them, and the signature block of an Indonesian
official letter (structured fields, the jabatan never wrapped mid-name, kept together)."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pytest
from django.core.management import call_command
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from skm.org.models import Membership, Unit
from skm.reports.documents import build
from skm.surveys.models import Period
from tests.conftest import member

DUKCAPIL = "dinas-kependudukan-dan-pencatatan-sipil"
JABATAN = "Kepala Dinas Kependudukan dan Pencatatan Sipil Kota Pekalongan"
SIGNED = dt.date(2025, 8, 22)
KINDS = ("tindak-lanjut", "hasil")
needs_poppler = pytest.mark.skipif(
    not shutil.which("pdftotext") or not shutil.which("pdfimages"),
    reason="poppler-utils not installed",
)


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo")
    unit = Unit.objects.get(slug=DUKCAPIL)
    period = Period.objects.get(unit=unit, slug="semester-i-2025")
    return unit, period


@pytest.fixture
def admin_unit(demo):
    return member(demo[0], "admin-dukcapil", Membership.Role.UNIT_ADMIN)


def _docx(unit, period, kind):
    content = build(kind, unit=unit, period=period, fmt="docx", signed_on=SIGNED).content
    return Document(io.BytesIO(content))


def _cover(docx):
    """The paragraphs of the cover, those in the kop surat's table too: everything before
    the first page break."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    out = []
    for p in docx.element.body.iter(qn("w:p")):
        if 'w:type="page"' in p.xml:
            break
        out.append(Paragraph(p, None))
    return out


def _pdf(unit, period, kind, tmp_path):
    path = tmp_path / f"{kind}.pdf"
    path.write_bytes(build(kind, unit=unit, period=period, fmt="pdf", signed_on=SIGNED).content)
    return path


def _pages(path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")


def test_the_demo_agency_has_a_letterhead_and_a_marked_stand_in_emblem(demo):
    from PIL import Image

    unit, _period = demo
    agency = unit.agency
    assert agency.government_line == "PEMERINTAH KOTA PEKALONGAN"
    assert agency.address and agency.logo
    with Image.open(agency.logo.path) as emblem:
        assert emblem.format == "PNG"
        assert emblem.info.get("Description", "").startswith("CONTOH")


@pytest.mark.parametrize("kind", KINDS)
def test_the_docx_cover_has_the_emblem_government_line_unit_and_year(demo, kind):
    unit, period = demo
    docx = _docx(unit, period, kind)
    cover = _cover(docx)
    text = "\n".join(p.text for p in cover)
    assert "PEMERINTAH KOTA PEKALONGAN" in text
    assert "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL" in text.upper()
    assert unit.agency.address in text  # the kop surat's address line
    assert cover[-1].text.strip() == "2025" or text.rstrip().endswith("2025")
    pictures = sum(len(p._p.xpath(".//pic:pic")) for p in cover)
    assert pictures >= 1  # the emblem


@needs_poppler
@pytest.mark.parametrize("kind", KINDS)
def test_the_pdf_cover_has_the_emblem_government_line_and_year(demo, kind, tmp_path):
    unit, period = demo
    path = _pdf(unit, period, kind, tmp_path)
    cover = _pages(path)[0]
    assert "PEMERINTAH KOTA PEKALONGAN" in cover
    assert unit.agency.address in " ".join(cover.split())
    assert cover.strip().splitlines()[-1].strip() == "2025"
    images = subprocess.run(
        ["pdfimages", "-f", "1", "-l", "1", "-list", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()[2:]
    assert images, "no emblem on the cover"


@pytest.mark.parametrize("kind", KINDS)
def test_bab_headings_are_centred_with_the_title_under_bab(demo, kind):
    unit, period = demo
    docx = _docx(unit, period, kind)
    babs = [p for p in docx.paragraphs if p.style.name == "Heading 1" and p.text.startswith("BAB ")]
    assert len(babs) >= 4
    for paragraph in babs:
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER, paragraph.text
        number, title = paragraph.text.split("\n")
        assert number.split()[0] == "BAB" and len(number.split()) == 2
        assert title and title == title.upper()


@needs_poppler
def test_pdf_bab_headings_put_the_title_under_bab(demo, tmp_path):
    unit, period = demo
    pages = _pages(_pdf(unit, period, "tindak-lanjut", tmp_path))
    lines = [line.strip() for page in pages for line in page.splitlines() if line.strip()]
    index = lines.index("BAB I")
    assert lines[index + 1] == "LATAR BELAKANG"


def _signature_paragraphs(docx):
    found = [i for i, p in enumerate(docx.paragraphs) if p.text.startswith("Pekalongan, 22 ")]
    assert found, "no signature block"
    start = found[-1]
    end = next(i for i in range(start, len(docx.paragraphs)) if "NIP" in docx.paragraphs[i].text)
    return docx.paragraphs[start : end + 1]


@pytest.mark.parametrize("kind", KINDS)
def test_the_docx_signature_is_structured_and_kept_together(demo, kind):
    unit, period = demo
    block = _signature_paragraphs(_docx(unit, period, kind))
    lines = [line for p in block for line in p.text.split("\n")]
    assert lines[0] == "Pekalongan, 22 Agustus 2025"
    jabatan = [line for line in lines if line.strip()][1:3]
    # the jabatan whole, at word boundaries, "Plt." in front
    assert " ".join(jabatan) == f"Plt. {JABATAN}"
    assert all(line == line.strip() for line in jabatan)
    assert "ISKANDAR, SH, M.Hum." in lines and "Pembina Tingkat I" in lines
    assert lines[-1] == "NIP. 196905251990031005"
    for paragraph in block:
        assert paragraph.paragraph_format.keep_together
    for paragraph in block[:-1]:
        assert paragraph.paragraph_format.keep_with_next


@needs_poppler
@pytest.mark.parametrize("kind", KINDS)
def test_the_pdf_signature_never_breaks_the_jabatan_mid_name(demo, kind, tmp_path):
    unit, period = demo
    pages = _pages(_pdf(unit, period, kind, tmp_path))
    page = next(p for p in pages if "NIP. 196905251990031005" in p)
    assert "Pekalongan, 22 Agustus 2025" in page  # kept together on one page
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    start = lines.index("Pekalongan, 22 Agustus 2025")
    jabatan = lines[start + 1 : start + 3]
    # balanced at word boundaries: "Plt. Kepala Dinas Kependudukan dan" over
    # "Pencatatan Sipil Kota Pekalongan", never a third line
    assert " ".join(jabatan) == f"Plt. {JABATAN}"
    assert abs(len(jabatan[0]) - len(jabatan[1])) <= 12
    assert lines[start + 3] == "ISKANDAR, SH, M.Hum."


def test_the_settings_form_saves_the_structured_fields(client, demo, admin_unit):
    from skm.reports.models import ReportProfile

    unit, _period = demo
    client.force_login(admin_unit)
    page = client.get(f"/staf/unit/{unit.slug}/laporan/?periode=semester-i-2025")
    assert 'name="acting"' in page.content.decode()
    client.post(
        f"/staf/unit/{unit.slug}/laporan/penandatangan/",
        {
            "periode": "semester-i-2025",
            "place": "Pekalongan",
            "acting": "Plh.",
            "position": "Kepala Dinas Kependudukan dan\r\nPencatatan Sipil Kota Pekalongan",
            "name": "NAMA BARU, S.H.",
            "rank": "Pembina (IV/a)",
            "nip": "197001011990031001",
            "decimal": ".",
        },
    )
    profile = ReportProfile.objects.get(unit=unit)
    assert profile.acting == "Plh."
    assert profile.position == JABATAN  # the typed line break is not kept
    assert (profile.rank, profile.nip) == ("Pembina (IV/a)", "197001011990031001")


def test_the_migration_moves_the_free_text_jabatan():
    from importlib import import_module

    migration = import_module("skm.reports.migrations.0004_signature_fields")
    assert migration.split_position(
        "Plt. Kepala Dinas Kependudukan dan Pencatatan\nSipil Kota Pekalongan"
    ) == ("Plt.", JABATAN)
    assert migration.split_position("plh Kepala Dinas\r\n  Kesehatan") == (
        "Plh.",
        "Kepala Dinas Kesehatan",
    )
    assert migration.split_position("Kepala Dinas") == ("", "Kepala Dinas")


@pytest.mark.django_db(transaction=True)
def test_the_migration_runs_on_stored_profiles():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    before = [("reports", "0003_report_evidence_scope"), ("org", "0004_role_invitation")]
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    Agency = apps.get_model("org", "Agency")
    Unit_ = apps.get_model("org", "Unit")
    Profile = apps.get_model("reports", "ReportProfile")
    agency = Agency.objects.create(name="Pemkot Uji", slug="pemkot-uji")
    unit = Unit_.objects.create(agency=agency, name="Dinas Uji", slug="dinas-uji", path="/x/")
    Profile.objects.create(
        unit=unit,
        position="Plt. Kepala Dinas Kependudukan dan Pencatatan\nSipil Kota Pekalongan",
        name="ISKANDAR, SH, M.Hum.\n",
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    from skm.reports.models import ReportProfile

    profile = ReportProfile.objects.get(unit__slug="dinas-uji")
    assert (profile.acting, profile.position) == ("Plt.", JABATAN)
    assert profile.name == "ISKANDAR, SH, M.Hum."
