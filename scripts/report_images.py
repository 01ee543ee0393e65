"""One page image of each official document of the demo, for docs/reports.md.

    PYTHONPATH=$PWD .venv/bin/python scripts/report_images.py

Loads the demo into a temporary data directory (SQLite; the DATABASE_URL of the shell is
ignored, nothing of yours is touched), generates each document as PDF, and writes one
representative page of it as a small PNG (about 80 dpi, 64 colours) to docs/images/.
Needs poppler's pdftoppm and pdftotext, as the tests do.

A document is one line of SHOTS: the file name, a text that stands on the page to show
(so the image follows the page when content moves), and a function from the demo to the
PDF's bytes.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "images"
DPI = 80
COLOURS = 64
LIMIT = 250_000  # bytes an image may take in the repository
SIGNED = dt.date(2025, 8, 22)  # the seed's date of signing
DUKCAPIL = "dinas-kependudukan-dan-pencatatan-sipil"
LISTS = {"DAFTAR ISI", "DAFTAR TABEL", "DAFTAR GAMBAR"}


@dataclass(frozen=True)
class Demo:
    unit: object  # the demo's Dinas Kependudukan dan Pencatatan Sipil
    period: object  # its Semester I 2025, the period of the seed


@dataclass(frozen=True)
class Shot:
    name: str  # docs/images/<name>.png
    page_with: str  # a line of text on the page to show
    make: Callable[[Demo], bytes]  # the document as PDF


def _build(kind: str) -> Callable[[Demo], bytes]:
    def make(demo: Demo) -> bytes:
        from skm.reports.documents import build

        return build(kind, unit=demo.unit, period=demo.period, fmt="pdf", signed_on=SIGNED).content

    return make


def _scoped(kind: str, *, agency: bool = False) -> Callable[[Demo], bytes]:
    """A document of the seed's year (2025): the PEKPPP pack's merged PDF of the Dinas,
    or the recap of the whole agency."""

    def make(demo: Demo) -> bytes:
        from skm.reports.documents import build_scoped

        scope = {"agency": demo.unit.agency} if agency else {"unit": demo.unit}
        return build_scoped(kind, **scope, year=2025, fmt="pdf", signed_on=SIGNED).content

    return make


SHOTS = [
    Shot("laporan-tindak-lanjut", "Tabel 2. Rencana Tindak Lanjut", _build("tindak-lanjut")),
    Shot("laporan-hasil-skm", "Tabel 3.6. Nilai rata-rata", _build("hasil")),
    Shot("poster-ikm", "NILAI IKM", _build("poster")),
    Shot("paket-bukti-pekppp", "LEMBAR DEPAN PAKET BUKTI PEKPPP", _scoped("pekppp")),
    Shot("rekapitulasi-ikm", "Tabel 2.2", _scoped("rekap", agency=True)),
]


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise SystemExit(f"{name} is missing: install poppler-utils")
    return path


def _page(pdf: Path, text: str) -> int:
    """The first page (1-based) on which ``text`` stands, the lists of contents aside."""
    pages = subprocess.run(  # noqa: S603 (fixed arguments, our own temporary file)
        [_tool("pdftotext"), "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout.split("\f")
    wanted = " ".join(text.split())
    for number, page in enumerate(pages, 1):
        lines = {line.strip() for line in page.splitlines()}
        if wanted in " ".join(page.split()) and not lines & LISTS:
            return number
    raise SystemExit(f"{pdf.name}: no page holds {text!r}")


def _png(pdf: Path, page: int, target: Path) -> None:
    from PIL import Image

    stem = pdf.with_suffix("")
    pages = ["-f", str(page), "-l", str(page)]
    subprocess.run(  # noqa: S603 (fixed arguments, our own temporary files)
        [_tool("pdftoppm"), "-r", str(DPI), *pages, "-png", "-singlefile", str(pdf), str(stem)],
        check=True,
    )
    image = Image.open(stem.with_suffix(".png")).convert("RGB")
    image = image.quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT)
    image.save(target, format="PNG", optimize=True)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="skm-images-") as tmp:
        os.environ["SKM_DATA_DIR"] = tmp
        os.environ.pop("DATABASE_URL", None)
        # the QR points to an example address, not to this machine
        os.environ["SKM_PUBLIC_BASE_URL"] = "https://skm.example.go.id"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skm.config.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command

        from skm.org.models import Unit
        from skm.surveys.models import Period

        call_command("migrate", verbosity=0)
        call_command("demo")
        unit = Unit.objects.get(slug=DUKCAPIL)
        demo = Demo(unit, Period.objects.get(unit=unit, slug="semester-i-2025"))
        OUT.mkdir(parents=True, exist_ok=True)
        for shot in SHOTS:
            pdf = Path(tmp) / f"{shot.name}.pdf"
            pdf.write_bytes(shot.make(demo))
            page = _page(pdf, shot.page_with)
            target = OUT / f"{shot.name}.png"
            _png(pdf, page, target)
            size = target.stat().st_size
            print(f"{target.relative_to(ROOT)}: page {page}, {size:,} bytes")
            if size > LIMIT:
                raise SystemExit(f"{target.name} is larger than {LIMIT:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
