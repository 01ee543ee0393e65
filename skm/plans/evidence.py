"""Evidence files of plan items: checked by content, cleaned, stored outside static files.

- Accepted: JPEG, PNG (photos, scans) and PDF, decided from the file's first bytes, never
  from its name or the browser's claimed type. Anything else (SVG, HTML, office files,
  a renamed executable) is refused with a message that says what is accepted.
- Size: at most settings.EVIDENCE_MAX_BYTES (SKM_EVIDENCE_MAX_BYTES, default 10 MB).
- Decoded size: a few kilobytes of PNG can decode to hundreds of megabytes (a 154 KB PNG of
  zeros is 39.7 megapixels, 119 MB of pixels). Before anything is decoded, the header's
  width x height x channels (the larger of the file's channels and the 3 or 4 written) is
  held against MAX_DECODED_BYTES (72 MB: 24 megapixels in colour, a full-size photo of a
  24 MP camera). A larger JPEG is decoded at 1/2, 1/4 or 1/8 scale (the JPEG decoder does
  that without the full-size pixels ever existing) and stored at that size; a larger PNG,
  or a JPEG that even 1/8 leaves too large, is refused with the size in the message.
  Pillow's own guard (Image.MAX_IMAGE_PIXELS) is set to 40 megapixels, so that no image
  beyond twice that is opened anywhere in the process.
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
# Width x height x channels of an image to be decoded (see the module's docstring).
MAX_DECODED_BYTES = 72_000_000
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


def _decoded_bytes(size: tuple[int, int], mode: str, out_mode: str) -> int:
    from PIL import Image

    channels = max(Image.getmodebands(mode), len(out_mode))
    return size[0] * size[1] * channels


def _too_large(size: tuple[int, int] | None) -> EvidenceRefused:
    if size is None:  # beyond Pillow's own guard: not even opened
        return EvidenceRefused(
            _(
                "The image is too large to process (more than %(max)s megapixels; at most "
                "%(limit)s megapixels in colour). Reduce its resolution and upload it again."
            )
            % {"max": 2 * MAX_PIXELS // 1_000_000, "limit": MAX_DECODED_BYTES // 3 // 1_000_000}
        )
    width, height = size
    return EvidenceRefused(
        _(
            "The image is too large to process (%(w)s x %(h)s pixels, %(mp)s megapixels; at "
            "most %(limit)s megapixels in colour). Reduce its resolution and upload it again."
        )
        % {
            "w": width,
            "h": height,
            "mp": f"{width * height / 1e6:.1f}",
            "limit": MAX_DECODED_BYTES // 3 // 1_000_000,
        }
    )


def _out_mode(content_type: str, mode: str) -> str:
    return "RGBA" if content_type == "image/png" and mode in ("RGBA", "LA", "P", "PA") else "RGB"


def _clean_image(data: bytes, content_type: str) -> tuple[bytes, bytes]:
    """(the image without metadata, a JPEG thumbnail)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        # Image.open reads the header only: size and mode are known before any decoding.
        with Image.open(io.BytesIO(data)) as probe:
            out_mode = _out_mode(content_type, probe.mode)
            if _decoded_bytes(probe.size, probe.mode, out_mode) > MAX_DECODED_BYTES and (
                probe.format != "JPEG" or _draft_size(probe) is None
            ):
                raise _too_large(probe.size)
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            size = image.size
            if _decoded_bytes(size, image.mode, out_mode) > MAX_DECODED_BYTES:
                # JPEG only (checked above): decode at the scale that fits the budget.
                image.draft(image.mode, _draft_size(image))
                if _decoded_bytes(image.size, image.mode, out_mode) > MAX_DECODED_BYTES:
                    raise _too_large(size)
            image.load()
            ImageOps.exif_transpose(image, in_place=True)
            # The pixels in the mode written; the decoded original is freed on leaving.
            pixels = image.convert(out_mode)
    except EvidenceRefused:
        raise
    except Image.DecompressionBombError:
        raise _too_large(None) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise EvidenceRefused(
            _("The file looks like an image but cannot be read; it may be damaged.")
        ) from None
    # A new image from the pixels alone: nothing of the original's metadata survives.
    clean = Image.new(out_mode, pixels.size)
    clean.paste(pixels)
    pixels.close()
    out = io.BytesIO()
    if content_type == "image/png":
        clean.save(out, format="PNG", optimize=True)
    else:
        clean.save(out, format="JPEG", quality=88, optimize=True)
    # The thumbnail shrinks the clean image in place (no second full-size copy).
    clean.thumbnail(THUMBNAIL)
    thumb_out = io.BytesIO()
    clean.convert("RGB").save(thumb_out, format="JPEG", quality=80)
    return out.getvalue(), thumb_out.getvalue()


def _draft_size(image) -> tuple[int, int] | None:
    """The size to ask a JPEG's decoder for so that it decodes within the budget (it scales
    by 1/2, 1/4 or 1/8, to at least the size asked), or None when even 1/8 is too large."""
    width, height = image.size
    out_mode = _out_mode("image/jpeg", image.mode)
    for scale in (2, 4, 8):
        size = (-(-width // scale), -(-height // scale))
        if _decoded_bytes(size, image.mode, out_mode) <= MAX_DECODED_BYTES:
            return size
    return None


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
    from django.utils.http import content_disposition_header

    name = row.thumbnail_name if thumbnail else row.stored_name
    if not name:
        raise Http404
    try:
        handle = open(evidence_path(name), "rb")  # noqa: SIM115 (FileResponse closes)
    except (OSError, ValueError):
        raise Http404 from None
    content_type = "image/jpeg" if thumbnail else row.content_type
    response = FileResponse(handle, content_type=content_type)
    # RFC 6266: an ASCII name quoted, any other as filename*=utf-8''<percent-encoded>
    # (a raw or MIME-encoded non-Latin-1 header is invalid).
    filename = safe_download_name(row.original_name, row.content_type)
    response["Content-Disposition"] = content_disposition_header(False, filename)
    response["Cache-Control"] = "private, max-age=3600"
    return response
