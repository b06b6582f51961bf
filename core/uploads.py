"""Server-side checks of an uploaded file: what it is, from its own bytes.

The browser's mime type and the file name are typed by whoever sends the file, so neither is read
here: the kind comes from the magic bytes, an image must decode with Pillow within sane dimensions
(a decompression bomb is refused before it is decoded), and a PDF must have its header and its end
marker. Each refusal is a ValidationError with its own catalogue key, so the form says what is wrong.

    kind = check_upload(data, IMAGES_AND_PDF, max_bytes=MAX_BYTES)
"""
from __future__ import annotations

import io
import warnings
from enum import Enum

from core.errors import ValidationError


class UploadKind(str, Enum):
    JPEG = "jpeg"
    PNG = "png"
    WEBP = "webp"
    PDF = "pdf"

    @property
    def mime(self) -> str:
        return _MIME[self]

    @property
    def is_image(self) -> bool:
        return self is not UploadKind.PDF


_MIME = {UploadKind.JPEG: "image/jpeg", UploadKind.PNG: "image/png", UploadKind.WEBP: "image/webp",
         UploadKind.PDF: "application/pdf"}
_LABEL = {UploadKind.JPEG: "JPG", UploadKind.PNG: "PNG", UploadKind.WEBP: "WebP", UploadKind.PDF: "PDF"}
# Pillow's own name for each kind: a PNG header in front of a JPEG body is not a PNG.
_PIL_FORMAT = {UploadKind.JPEG: "JPEG", UploadKind.PNG: "PNG", UploadKind.WEBP: "WEBP"}

IMAGES = frozenset({UploadKind.JPEG, UploadKind.PNG, UploadKind.WEBP})
IMAGES_AND_PDF = IMAGES | {UploadKind.PDF}

MAX_BYTES = 10 * 1024 * 1024
# A phone photo is about 4000 x 3000; a scan at 600 dpi of A3 about 7000 x 10000. Beyond 12,000 a
# side or 60 megapixels it is no photo of a signed page but a file made to exhaust the server.
MAX_SIDE = 12_000
MAX_PIXELS = 60_000_000
# Smaller than this nobody can read a signature or a tracking number on it.
MIN_SIDE = 64


def sniff(data: bytes) -> UploadKind | None:
    """The kind the bytes announce, or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return UploadKind.JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return UploadKind.PNG
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return UploadKind.WEBP
    if data.startswith(b"%PDF-"):
        return UploadKind.PDF
    return None


def kinds_label(allowed: frozenset[UploadKind]) -> str:
    """'JPG、PNG、WebP、PDF' style list for the messages (format names read the same in both languages)."""
    return ", ".join(_LABEL[k] for k in UploadKind if k in allowed)


def check_upload(data: bytes | None, allowed: frozenset[UploadKind] = IMAGES_AND_PDF, max_bytes: int = MAX_BYTES,
                 field: str = "upload") -> UploadKind:
    """The file's kind, or a ValidationError naming why it is refused."""
    if not data:
        raise ValidationError("err.upload_empty", field=field)
    if len(data) > max_bytes:
        raise ValidationError("err.upload_too_big", field=field, max_mb=_mb(max_bytes))
    kind = sniff(data)
    if kind is None or kind not in allowed:
        raise ValidationError("err.upload_type", field=field, kinds=kinds_label(allowed))
    if kind is UploadKind.PDF:
        _check_pdf(data, field)
    else:
        _check_complete(data, kind, field)
        _check_image(data, kind, field)
    return kind


def _check_complete(data: bytes, kind: UploadKind, field: str) -> None:
    """An image cut short (an upload broken off) is refused from its bytes. Decoding alone cannot
    be trusted for this: WeasyPrint, once imported to print a PDF, switches Pillow for the whole
    process to padding truncated images instead of failing on them."""
    if kind is UploadKind.JPEG:
        complete = b"\xff\xd9" in data[-4096:]                     # the end-of-image marker
    elif kind is UploadKind.PNG:
        complete = b"IEND" in data[-64:]                            # the last chunk
    else:   # WebP: the RIFF header states the file's length
        complete = len(data) >= int.from_bytes(data[4:8], "little") + 8
    if not complete:
        raise ValidationError("err.upload_broken", field=field)


def _mb(n: int) -> str:
    mb = n / (1024 * 1024)
    return f"{mb:.0f}" if mb >= 1 else f"{mb:.1f}"


def _check_pdf(data: bytes, field: str) -> None:
    # A PDF ends with %%EOF (possibly followed by a newline or an incremental update's padding).
    if b"%%EOF" not in data[-2048:]:
        raise ValidationError("err.upload_broken", field=field)


def _check_image(data: bytes, kind: UploadKind, field: str) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:   # reads the header only
                width, height = img.size
                if img.format != _PIL_FORMAT[kind]:
                    raise ValidationError("err.upload_broken", field=field)
                _check_size(width, height, field)
                img.load()                                # the whole picture decodes
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow refuses these already when reading the header: far over our own limit.
        raise ValidationError("err.upload_dimensions_big", field=field, max_side=MAX_SIDE) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError("err.upload_broken", field=field) from None


def _check_size(width: int, height: int, field: str) -> None:
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise ValidationError("err.upload_dimensions_big", field=field, max_side=MAX_SIDE)
    if min(width, height) < MIN_SIDE:
        raise ValidationError("err.upload_dimensions_small", field=field, min_side=MIN_SIDE)
