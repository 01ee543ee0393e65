"""Evidence files of plan items: checked by content, cleaned, stored outside static files.

- Accepted: JPEG, PNG (photos, scans) and PDF, decided from the file's first bytes, never
  from its name or the browser's claimed type. Anything else (SVG, HTML, office files,
  a renamed executable) is refused with a message that says what is accepted.
- Size: at most settings.EVIDENCE_MAX_BYTES (SKM_EVIDENCE_MAX_BYTES, default 10 MB), and
  images at most 40 megapixels (a decompression bomb is refused, not decoded).
- Images are decoded and written again without their metadata: EXIF (with GPS position,
  camera serial, time), XMP and comments are gone; the EXIF orientation is applied first
  so that the photo still stands upright. A 320-pixel JPEG thumbnail is made alongside.
  PDFs are kept byte for byte (their document metadata is not rewritten; see
  docs/security.md).
- Stored as ``<DATA_DIR>/evidence/<random hex>.<ext>``: the stored name is generated,
  never derived from the upload, and files are written to a temporary name first and
  renamed, so that a full disk leaves neither half a file nor a record without its file.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

ACCEPTED = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
MAX_PIXELS = 40_000_000
THUMBNAIL = (320, 320)


class EvidenceRefused(Exception):
    """The upload is not stored; the message says why (user's language)."""


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    thumbnail_name: str
    content_type: str
    size: int
    sha256: str


def evidence_dir() -> Path:
    return Path(settings.DATA_DIR) / "evidence"


def evidence_path(name: str) -> Path:
    """The path of a stored name; refuses anything that is not one of ours."""
    stem, _dot, ext = name.partition(".")
    if ext not in ACCEPTED.values() and ext != "thumb.jpg":
        raise ValueError(f"not a stored evidence name: {name!r}")
    return evidence_dir() / f"{uuid.UUID(hex=stem).hex}.{ext}"


def sniff(head: bytes) -> str | None:
    """The content type from the first bytes, or None when it is not one we accept."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def _max_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))


def _clean_image(data: bytes, content_type: str) -> tuple[bytes, bytes]:
    """(the image without metadata, a JPEG thumbnail)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise EvidenceRefused(
                    _("The image is too large (%(w)s x %(h)s pixels; at most 40 megapixels).")
                    % {"w": width, "h": height}
                )
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
    except EvidenceRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise EvidenceRefused(
            _("The file looks like an image but cannot be read; it may be damaged.")
        ) from None
    # A new image from the pixels alone: nothing of the original's metadata survives.
    mode = "RGBA" if content_type == "image/png" and upright.mode in ("RGBA", "LA", "P") else "RGB"
    pixels = upright.convert(mode)
    clean = Image.new(mode, pixels.size)
    clean.paste(pixels)
    out = io.BytesIO()
    if content_type == "image/png":
        clean.save(out, format="PNG", optimize=True)
    else:
        clean.save(out, format="JPEG", quality=88, optimize=True)
    thumb = clean.convert("RGB")
    thumb.thumbnail(THUMBNAIL)
    thumb_out = io.BytesIO()
    thumb.save(thumb_out, format="JPEG", quality=80)
    return out.getvalue(), thumb_out.getvalue()


def _check_pdf(data: bytes) -> None:
    if b"%%EOF" not in data[-2048:]:
        raise EvidenceRefused(_("The PDF file is incomplete or damaged."))


def _write(path: Path, data: bytes) -> None:
    """Write to a temporary name in the same folder, then rename (atomic)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.part")
    try:
        with open(temporary, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def store(upload) -> StoredFile:
    """Check, clean and store an uploaded file (a Django UploadedFile or a binary file with
    ``.size``); EvidenceRefused with a reason otherwise."""
    limit = _max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise EvidenceRefused(
            _("The file is too large (%(size)s MB; at most %(limit)s MB).")
            % {"size": f"{size / 1048576:.1f}", "limit": f"{limit / 1048576:.0f}"}
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise EvidenceRefused(
            _("The file is too large (at most %(limit)s MB).") % {"limit": f"{limit / 1048576:.0f}"}
        )
    if not data:
        raise EvidenceRefused(_("The file is empty."))
    content_type = sniff(data[:16])
    if content_type is None:
        raise EvidenceRefused(
            _("Only photos (JPEG, PNG) and PDF documents are accepted; this file is neither.")
        )
    thumbnail = b""
    if content_type == "application/pdf":
        _check_pdf(data)
    else:
        data, thumbnail = _clean_image(data, content_type)
    stem = uuid.uuid4().hex
    stored_name = f"{stem}.{ACCEPTED[content_type]}"
    thumbnail_name = f"{stem}.thumb.jpg" if thumbnail else ""
    try:
        _write(evidence_path(stored_name), data)
        if thumbnail:
            _write(evidence_path(thumbnail_name), thumbnail)
    except OSError:
        remove(stored_name, thumbnail_name)
        raise EvidenceRefused(
            _(
                "The file could not be saved: the storage is full or not writable. Nothing was "
                "stored; tell the administrator."
            )
        ) from None
    return StoredFile(
        stored_name=stored_name,
        thumbnail_name=thumbnail_name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def remove(*names: str) -> None:
    for name in names:
        if name:
            with contextlib.suppress(OSError, ValueError):
                evidence_path(name).unlink()


def safe_download_name(original: str, content_type: str) -> str:
    """A name for Content-Disposition: the original's stem, harmless characters only, with
    the extension of what the file really is."""
    stem = Path(original or "dokumentasi").stem
    cleaned = (
        "".join(c if c.isalnum() or c in "-_ " else "_" for c in stem).strip() or "dokumentasi"
    )
    return f"{cleaned[:80]}.{ACCEPTED[content_type]}"


def file_response(row, *, thumbnail: bool = False):
    """The file with its real type, inline, under a harmless name (nosniff is set by
    SecurityMiddleware on every response)."""
    from django.http import FileResponse, Http404

    name = row.thumbnail_name if thumbnail else row.stored_name
    if not name:
        raise Http404
    try:
        handle = open(evidence_path(name), "rb")  # noqa: SIM115 (FileResponse closes)
    except (OSError, ValueError):
        raise Http404 from None
    content_type = "image/jpeg" if thumbnail else row.content_type
    response = FileResponse(handle, content_type=content_type)
    filename = safe_download_name(row.original_name, row.content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=3600"
    return response
