"""Uploads are judged by their bytes on the server: a renamed text file, a truncated photo, a
decompression bomb or a file over the limit is refused with the message that names the problem."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from core.errors import ValidationError
from core.i18n import EN, ZH
from core.uploads import (IMAGES, IMAGES_AND_PDF, MAX_SIDE, MIN_SIDE, UploadKind, check_upload, kinds_label,
                          sniff)


def image_bytes(fmt: str = "PNG", size=(200, 120), color=(200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format=fmt)
    return buf.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize("fmt,kind", [("JPEG", UploadKind.JPEG), ("PNG", UploadKind.PNG),
                                      ("WEBP", UploadKind.WEBP)])
def test_real_images_are_accepted_with_their_kind(fmt, kind):
    assert check_upload(image_bytes(fmt), IMAGES) is kind
    assert kind.mime.startswith("image/")


def test_a_pdf_is_accepted_where_pdfs_are_allowed_and_refused_where_only_images_are():
    assert check_upload(PDF, IMAGES_AND_PDF) is UploadKind.PDF
    with pytest.raises(ValidationError) as e:
        check_upload(PDF, IMAGES)
    assert e.value.key == "err.upload_type" and e.value.params["kinds"] == "JPG, PNG, WebP"


def refusal(data, allowed=IMAGES_AND_PDF, max_bytes=10 * 1024 * 1024) -> str:
    with pytest.raises(ValidationError) as e:
        check_upload(data, allowed, max_bytes, field="proof_file")
    assert e.value.field == "proof_file"
    return e.value.key


def test_a_text_file_named_like_a_photo_is_refused_by_its_content():
    assert refusal(b"<html><script>alert(1)</script></html>") == "err.upload_type"
    assert refusal(b"GIF89a" + b"\0" * 100) == "err.upload_type"


def test_empty_and_too_big_files_are_refused_before_anything_is_decoded():
    assert refusal(b"") == "err.upload_empty"
    assert refusal(None) == "err.upload_empty"
    assert refusal(image_bytes(), max_bytes=100) == "err.upload_too_big"


def test_too_big_names_the_limit_in_megabytes():
    with pytest.raises(ValidationError) as e:
        check_upload(b"x" * 2048, max_bytes=1024 * 1024 // 1024)
    assert e.value.params["max_mb"] == "0.0"
    with pytest.raises(ValidationError) as e:
        check_upload(b"x" * (11 * 1024 * 1024))
    assert e.value.params["max_mb"] == "10"


def test_a_truncated_photo_or_a_png_header_on_junk_is_broken():
    photo = image_bytes("JPEG", (400, 300))
    assert refusal(photo[: len(photo) // 2]) == "err.upload_broken"
    assert refusal(b"\x89PNG\r\n\x1a\n" + b"junk" * 50) == "err.upload_broken"
    assert refusal(b"%PDF-1.4 but never ends") == "err.upload_broken"


def test_a_png_header_glued_to_a_jpeg_body_is_not_a_png():
    jpeg = image_bytes("JPEG")
    assert refusal(b"\x89PNG\r\n\x1a\n" + jpeg) == "err.upload_broken"


def test_dimensions_must_be_sane():
    assert refusal(image_bytes("PNG", (MIN_SIDE - 1, 300))) == "err.upload_dimensions_small"
    # A 1-bit PNG of 13,000 x 13,000 is a few kB: a bomb once decoded, refused from its header.
    buf = io.BytesIO()
    Image.new("1", (MAX_SIDE + 1000, MAX_SIDE + 1000)).save(buf, format="PNG")
    assert len(buf.getvalue()) < 1024 * 1024
    assert refusal(buf.getvalue()) == "err.upload_dimensions_big"


def test_sniff_reads_magic_bytes_only():
    assert sniff(b"RIFF\0\0\0\0WEBPVP8 ") is UploadKind.WEBP
    assert sniff(b"RIFF\0\0\0\0WAVEfmt ") is None
    assert kinds_label(IMAGES_AND_PDF) == "JPG, PNG, WebP, PDF"


@pytest.mark.parametrize("key", ["err.upload_empty", "err.upload_too_big", "err.upload_type", "err.upload_broken",
                                 "err.upload_dimensions_big", "err.upload_dimensions_small"])
def test_every_refusal_has_a_message_in_both_languages(key):
    assert ZH[key] and EN[key]


def test_one_side_too_long_is_refused_even_when_the_pixel_count_is_small():
    buf = io.BytesIO()
    Image.new("1", (MAX_SIDE + 1, 100)).save(buf, format="PNG")
    assert refusal(buf.getvalue()) == "err.upload_dimensions_big"


def test_a_truncated_photo_is_refused_even_after_a_pdf_was_printed():
    """Importing WeasyPrint makes Pillow pad cut-off images for the whole process; our check must
    not depend on that switch."""
    import weasyprint  # noqa: F401 - imported for its side effect on Pillow
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES   # the switch the import turns on
    for fmt in ("JPEG", "PNG", "WEBP"):
        photo = image_bytes(fmt, (400, 300))
        assert refusal(photo[: len(photo) // 2]) == "err.upload_broken", fmt
        assert check_upload(photo).name == fmt   # the whole photo still passes
