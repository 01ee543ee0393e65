"""A full evidence storage: a real tmpfs, filled, then uploads through the staff page.

The evidence folder (<SKM_DATA_DIR>/evidence) is a 2 MB tmpfs. It is filled by a file
that leaves a chosen amount free, from more than a photo and its thumbnail need down to
nothing, one page (4 KB) at a time, and the same photo is uploaded at each level through
the real view. Each upload either succeeds whole (the record, its history entry, the
audit event, the photo and the thumbnail) or is refused with the Indonesian "storage
full" message and leaves nothing: no file, no half-written temporary file, no record, no
history entry, no audit event. Among the refused levels are those where the photo fits
and its thumbnail does not, so the cleanup after a partly stored upload runs for real.
A PDF larger than the space left is refused the same way. At the end the folder holds
exactly the files of the stored records.

No API uploads evidence (the REST API only serves it), so the staff page is the path.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import subprocess
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from skm.audit.models import AuditEvent
from skm.plans import evidence
from skm.plans.models import Evidence, ItemChange
from skm.plans.services import item_create, plan_create
from tests.faults.conftest import need_root
from tests.plans.conftest import item_data, store

pytestmark = pytest.mark.fault

SIZE = 2 * 1024 * 1024
FULL_MESSAGE = "penyimpanan penuh"
FILLER = "filler.bin"


@pytest.fixture
def tmpfs(tmp_path, settings):
    """<DATA_DIR>/evidence as a 2 MB tmpfs, unmounted afterwards."""
    need_root("mounting a tmpfs as the evidence folder")
    folder = tmp_path / "evidence"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SIZE},mode=0755", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    settings.DATA_DIR = tmp_path
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def free_bytes(folder) -> int:
    stat = os.statvfs(folder)
    return stat.f_bavail * stat.f_frsize


def leave_free(folder, target: int) -> int:
    """Resize the filler so that about ``target`` bytes stay free; returns what is free."""
    filler = folder / FILLER
    with contextlib.suppress(FileNotFoundError):
        filler.unlink()
    size = max(0, free_bytes(folder) - target)
    with open(filler, "wb") as fh:
        fh.write(b"\0" * size)
    return free_bytes(folder)


def noisy_photo() -> bytes:
    """A JPEG that compresses badly (noise), so that photo and thumbnail take pages."""
    rng = random.Random(8)
    image = Image.frombytes("RGB", (600, 450), rng.randbytes(600 * 450 * 3))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def pages(n: int) -> int:
    return -(-n // 4096) * 4096


def test_a_full_evidence_storage_refuses_cleanly_at_every_level(
    client, unit, period, manager, tmpfs, figures
):
    started = time.monotonic()
    store(period, unit)
    plan = plan_create(period=period, unit=unit, user=manager)
    item = item_create(plan.priorities.get(element_code="U3"), data=item_data(), user=manager)
    url = f"/staf/unit/{unit.slug}/rtl/{plan.pk}/butir/{item.pk}/dokumentasi/"
    client.force_login(manager)

    photo = noisy_photo()
    main, thumb = evidence._clean_image(photo, "image/jpeg")
    needed = pages(len(main)) + pages(len(thumb))
    outcomes = {"stored": 0, "refused": 0, "refused_photo_would_fit": 0}
    levels = []
    for target in range(needed + 3 * 4096, -1, -4096):
        free = leave_free(tmpfs, target)
        rows, changes = Evidence.objects.count(), ItemChange.objects.count()
        audit = AuditEvent.objects.count()
        files_before = sorted(p.name for p in tmpfs.iterdir())
        response = client.post(url, {"file": SimpleUploadedFile("foto.jpg", photo)})
        levels.append((free, response.status_code))
        if response.status_code == 302:
            outcomes["stored"] += 1
            row = Evidence.objects.latest("pk")
            assert Evidence.objects.count() == rows + 1
            assert ItemChange.objects.count() == changes + 1
            assert AuditEvent.objects.count() > audit
            assert evidence.evidence_path(row.stored_name).stat().st_size == row.size
            assert evidence.evidence_path(row.thumbnail_name).stat().st_size > 0
            continue
        assert response.status_code == 400, (free, response.status_code)
        assert FULL_MESSAGE in response.content.decode(), free
        outcomes["refused"] += 1
        if free >= pages(len(main)):
            outcomes["refused_photo_would_fit"] += 1
        assert sorted(p.name for p in tmpfs.iterdir()) == files_before, free
        assert not any(p.name.endswith(".part") for p in tmpfs.iterdir())
        assert Evidence.objects.count() == rows
        assert ItemChange.objects.count() == changes
        assert AuditEvent.objects.count() == audit

    assert outcomes["stored"] >= 1 and outcomes["refused"] >= 1, levels
    # The photo was written and its thumbnail did not fit: cleaned up (asserted above).
    assert outcomes["refused_photo_would_fit"] >= 1, (len(main), len(thumb), levels)

    # A PDF larger than what is left.
    leave_free(tmpfs, 64 * 1024)
    pdf = b"%PDF-1.4\n" + os.urandom(200 * 1024) + b"\n%%EOF\n"
    rows, audit = Evidence.objects.count(), AuditEvent.objects.count()
    files_before = sorted(p.name for p in tmpfs.iterdir())
    response = client.post(url, {"file": SimpleUploadedFile("undangan.pdf", pdf)})
    assert response.status_code == 400 and FULL_MESSAGE in response.content.decode()
    assert sorted(p.name for p in tmpfs.iterdir()) == files_before
    assert (Evidence.objects.count(), AuditEvent.objects.count()) == (rows, audit)

    # Room again: the same PDF is stored.
    (tmpfs / FILLER).unlink()
    response = client.post(url, {"file": SimpleUploadedFile("undangan.pdf", pdf)})
    assert response.status_code == 302

    # The folder holds exactly the files of the records: no orphan either way.
    expected: set[str] = set()
    for row in Evidence.objects.all():
        expected |= {row.stored_name, row.thumbnail_name} - {""}
    assert {p.name for p in tmpfs.iterdir()} == expected
    figures["evidence storage full"] = {
        "tmpfs_bytes": SIZE,
        "photo_bytes": len(main),
        "thumbnail_bytes": len(thumb),
        "levels_tried": len(levels),
        **outcomes,
        "test_seconds": round(time.monotonic() - started, 1),
    }
