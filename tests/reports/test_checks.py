"""Consistency checks before a document is made (issue #14, point 9): shown on the report
page, printed by `skm report` on stderr, never in the document; and the choice of which
evidence photos a document prints (public only by default for the Laporan Hasil)."""

from __future__ import annotations

import datetime as dt
import io
import subprocess

import pytest
from django.core.management import call_command
from docx import Document

from skm.org.models import Membership, Unit
from skm.plans.models import Evidence, PlanItem
from skm.plans.selectors import item_by_number, plan_view
from skm.reports.documents import build
from skm.reports.jobs import report_job_run
from skm.reports.models import ReportJob
from skm.surveys.models import Period
from tests.conftest import member

DUKCAPIL = "dinas-kependudukan-dan-pencatatan-sipil"
BASE = f"/staf/unit/{DUKCAPIL}/laporan/"
SIGNED = dt.date(2025, 8, 22)  # the seed's report date; the demo's items were done 15 Aug


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo")
    unit = Unit.objects.get(slug=DUKCAPIL)
    return unit, Period.objects.get(unit=unit, slug="semester-i-2025")


def _item(unit, period, number: str) -> PlanItem:
    from skm.plans.models import Plan

    view = plan_view(Plan.objects.get(unit=unit, period=period))
    return item_by_number(view, number).item


def _checks(unit, period, kind="tindak-lanjut", signed_on=SIGNED, scope=None):
    from skm.reports.checks import report_checks

    return report_checks(unit, period, kind, signed_on, scope)


def _docx_text(content: bytes) -> str:
    docx = Document(io.BytesIO(content))
    cells = [c.text for t in docx.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in docx.paragraphs] + cells)


def _pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def test_the_seeds_misfiled_items_are_named(demo):
    unit, period = demo
    checks = _checks(unit, period)
    misfiled = {c.item: c for c in checks if c.code == "misfiled"}
    assert set(misfiled) == {"1.2", "2.1"}
    assert "Perilaku Pelaksana" in misfiled["1.2"].message  # 5S courtesy filed under Waktu
    assert "halaman rencana" in misfiled["1.2"].message
    # the seed's dates agree: done 15 August (TW 3), report 22 August
    assert not [c for c in checks if c.code in ("done-late", "done-early", "not-done")]
    # the Laporan Hasil prints the plan too; the poster does not
    assert {c.item for c in _checks(unit, period, "hasil") if c.code == "misfiled"} == {
        "1.2",
        "2.1",
    }
    assert not [c for c in _checks(unit, period, "poster") if c.code == "misfiled"]


def test_an_item_done_after_the_report_date_is_warned_with_the_percent(demo):
    unit, period = demo
    item = _item(unit, period, "1.1")
    item.done_on = dt.date(2025, 9, 3)
    item.save(update_fields=["done_on"])
    checks = _checks(unit, period)
    late = [c for c in checks if c.code == "done-late"]
    assert [c.item for c in late] == ["1.1"]
    assert "3 September 2025" in late[0].message and "22 Agustus 2025" in late[0].message
    percent = [c for c in checks if c.code == "percent"]
    assert len(percent) == 1
    assert "100% (5 dari 5 butir)" in percent[0].message and "80%" in percent[0].message


def test_an_item_done_before_its_quarter_is_warned(demo):
    unit, period = demo
    item = _item(unit, period, "3.1")  # scheduled TW 3 and TW 4 2025
    item.done_on = dt.date(2025, 5, 10)
    item.save(update_fields=["done_on"])
    early = [c for c in _checks(unit, period) if c.code == "done-early"]
    assert [c.item for c in early] == ["3.1"]
    assert "TW 3 2025" in early[0].message and "1 Juli 2025" in early[0].message


def test_an_item_due_by_the_report_date_but_not_done_is_warned(demo):
    unit, period = demo
    item = _item(unit, period, "2.1")
    item.quarters, item.status, item.done_on = "3", PlanItem.Status.IN_PROGRESS, None
    item.save(update_fields=["quarters", "status", "done_on"])
    checks = _checks(unit, period, signed_on=dt.date(2025, 10, 15))
    assert [c.item for c in checks if c.code == "not-done"] == ["2.1"]


def test_the_report_page_shows_the_warnings_before_the_buttons(client, demo):
    unit, period = demo
    item = _item(unit, period, "1.1")
    item.done_on = dt.date(2025, 9, 3)
    item.save(update_fields=["done_on"])
    client.force_login(member(unit, "kepala", Membership.Role.HEAD))
    page = client.get(BASE + "?periode=semester-i-2025&tanggal=2025-08-22").content.decode()
    assert "Periksa sebelum mencetak" in page
    for number in ("1.2", "2.1", "1.1"):
        assert f"Butir {number}" in page
    assert "3 September 2025" in page
    assert page.index("Periksa sebelum mencetak") < page.index('name="fmt"')
    # the date chosen on the page is the one the make forms carry
    assert 'name="signed_on" value="2025-08-22"' in page
    # the document preview itself stays clean
    preview = client.get(BASE + "pratinjau/tindak-lanjut/?periode=semester-i-2025")
    assert "Butir 1.2" not in preview.content.decode()


def test_the_documents_never_print_the_warnings(demo):
    unit, period = demo
    item = _item(unit, period, "1.1")
    item.done_on = dt.date(2025, 9, 3)
    item.save(update_fields=["done_on"])
    checks = _checks(unit, period, "hasil")
    assert checks
    for kind in ("tindak-lanjut", "hasil"):
        docx = _docx_text(
            build(kind, unit=unit, period=period, fmt="docx", signed_on=SIGNED).content
        )
        pdf = _pdf_text(build(kind, unit=unit, period=period, fmt="pdf", signed_on=SIGNED).content)
        for text in (docx, " ".join(pdf.split())):
            assert "Butir 1.2" not in text and "Periksa sebelum" not in text
            for check in checks:
                assert check.message not in text


def _make_private(unit, period, number: str) -> Evidence:
    evidence = Evidence.objects.get(item=_item(unit, period, number))
    evidence.public = False
    evidence.save(update_fields=["public"])
    return evidence


# The Laporan Hasil prints the survey's own photos, never the follow-up's (issue #14 point 10).
KIOSK = "Pengisian kuesioner di kios pelayanan (gambar contoh)"
PAPER = "Pengisian kuesioner kertas di ruang tunggu (gambar contoh)"


def _make_photo_private(unit, period):
    from skm.reports.models import SurveyPhoto

    SurveyPhoto.objects.filter(unit=unit, period=period, caption=KIOSK).update(public=False)


def test_a_private_photo_is_not_in_the_default_laporan_hasil(demo):
    unit, period = demo
    _make_private(unit, period, "1.1")
    _make_photo_private(unit, period)
    default = _docx_text(build("hasil", unit=unit, period=period, fmt="docx").content)
    assert PAPER in default and KIOSK not in default
    assert "Dokumentasi kegiatan" not in default  # the follow-up's photos are not printed
    everything = _docx_text(
        build("hasil", unit=unit, period=period, fmt="docx", evidence="semua").content
    )
    assert KIOSK in everything and "Dokumentasi kegiatan" not in everything
    pdf = " ".join(_pdf_text(build("hasil", unit=unit, period=period, fmt="pdf").content).split())
    assert KIOSK not in pdf
    # the Laporan Tindak Lanjut is internal: all evidence by default, public only on request
    followup = build("tindak-lanjut", unit=unit, period=period, fmt="docx")
    assert len(Document(io.BytesIO(followup.content)).inline_shapes) == 5
    public = build("tindak-lanjut", unit=unit, period=period, fmt="docx", evidence="publik")
    assert len(Document(io.BytesIO(public.content)).inline_shapes) == 4
    # the check says what is left out and what to do
    private = [c for c in _checks(unit, period, "hasil") if c.code == "evidence-private"]
    assert len(private) == 1 and "kios pelayanan" in private[0].message
    assert "tidak dicetak" in private[0].message
    followup = [c for c in _checks(unit, period) if c.code == "evidence-private"]
    assert [c.item for c in followup] == ["1.1"]  # the plan's evidence: the follow-up report
    printed = [
        c for c in _checks(unit, period, "hasil", scope="semua") if c.code == "evidence-private"
    ]
    assert "dicetak" in printed[0].message and "tidak dicetak" not in printed[0].message


def test_the_choice_passes_through_the_job_and_the_command(client, demo, tmp_path):
    unit, period = demo
    _make_private(unit, period, "1.1")
    _make_photo_private(unit, period)
    client.force_login(member(unit, "kepala", Membership.Role.HEAD))
    page = client.get(BASE + "?periode=semester-i-2025").content.decode()
    assert 'name="evidence_scope"' in page
    for scope, expected in (("", False), ("publik", False), ("semua", True)):
        data = {"periode": "semester-i-2025", "kind": "hasil", "fmt": "docx"}
        if scope:
            data["evidence_scope"] = scope
        assert client.post(BASE + "buat/", data).status_code == 302
        job = report_job_run(ReportJob.objects.latest("created_at"))
        assert job.evidence_scope == (scope or "publik")
        job_page = client.get(f"{BASE}tugas/{job.ref}/").content.decode()
        assert "Butir 1.2" in job_page and "Bukti yang dicetak" in job_page
        download = client.get(f"{BASE}tugas/{job.ref}/unduh/")
        text = _docx_text(b"".join(download.streaming_content))
        assert (KIOSK in text) is expected, scope
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "hasil.docx"
    call_command(
        "report",
        "hasil",
        "--unit",
        DUKCAPIL,
        "--period",
        "semester-i-2025",
        "--format",
        "docx",
        "--bukti",
        "semua",
        "--date",
        "2025-08-22",
        "--output",
        str(target),
        stdout=out,
        stderr=err,
    )
    assert KIOSK in _docx_text(target.read_bytes())
    assert "Butir 1.2" in err.getvalue() and "Butir 2.1" in err.getvalue()
    assert "Butir" not in out.getvalue()


def test_the_api_takes_the_evidence_choice(client, demo):
    from skm.surveys.invitations import api_key_create

    unit, period = demo
    _make_photo_private(unit, period)
    _k, key = api_key_create(unit=unit, name="arsip")
    url = f"/api/v1/reports/{DUKCAPIL}/semester-i-2025/hasil?format=docx"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    caption = KIOSK
    assert caption not in _docx_text(client.get(url, **auth).content)
    assert caption in _docx_text(client.get(url + "&bukti=semua", **auth).content)
    assert client.get(url + "&bukti=rahasia", **auth).status_code == 422
