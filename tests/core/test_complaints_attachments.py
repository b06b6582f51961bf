"""Attachment rules on complaints: what is accepted (from the bytes), names, thumbnails, and who may
take an attachment off again. No database here."""
import io
from datetime import datetime, timedelta, timezone

import pytest
from PIL import Image

from core.auth.roles import Role
from core.complaints import attachments as rules
from core.complaints.workflow import Actor
from core.errors import DomainError, PermissionDenied, ValidationError
from core.uploads import UploadKind

NOW = datetime(2025, 3, 3, 2, 0, tzinfo=timezone.utc)
DESK = Actor("chen", Role.FRONTDESK)
DESK2 = Actor("li", Role.FRONTDESK)
MANAGER = Actor("zhou", Role.MANAGER)


def photo(fmt="JPEG", size=(800, 600)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (180, 120, 60)).save(out, fmt)
    return out.getvalue()


def test_photos_and_scans_are_accepted_from_their_bytes():
    assert rules.check_file(photo()) is UploadKind.JPEG
    assert rules.check_file(photo("PNG")) is UploadKind.PNG
    assert rules.check_file(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n") is UploadKind.PDF


@pytest.mark.parametrize("data, key", [(b"", "err.upload_empty"), (b"MZ\x90\x00" * 100, "err.upload_type"),
                                       (photo()[:-200], "err.upload_broken")],
                         ids=["empty", "exe", "cut_off"])
def test_refused_files_say_why(data, key):
    with pytest.raises(ValidationError) as info:
        rules.check_file(data)
    assert (info.value.key, info.value.field) == (key, "attachment")


def test_a_thumbnail_is_small_and_a_pdf_has_none():
    thumb = rules.thumbnail(photo(size=(4000, 3000)), UploadKind.JPEG)
    with Image.open(io.BytesIO(thumb)) as img:
        assert max(img.size) <= rules.THUMB_SIDE and img.format == "JPEG"
    assert rules.thumbnail(b"%PDF-1.4 %%EOF", UploadKind.PDF) is None


def test_names_lose_folders_and_control_characters():
    assert rules.clean_name("C:\\Users\\wang\\渗水\x00.jpg", UploadKind.JPEG) == "渗水.jpg"
    assert rules.clean_name("", UploadKind.PNG) == "png"
    assert len(rules.clean_name("a" * 500 + ".jpg", UploadKind.JPEG)) == rules.MAX_NAME


def test_the_uploader_may_take_it_back_for_a_while_a_manager_always_with_a_reason():
    soon, later = NOW + timedelta(minutes=10), NOW + rules.UNDO_WINDOW + timedelta(minutes=1)
    assert rules.check_removal(DESK, "chen", NOW, None, soon, " 拍错了 ") == "拍错了"
    with pytest.raises(PermissionDenied):
        rules.check_removal(DESK, "chen", NOW, None, later, "拍错了")
    with pytest.raises(PermissionDenied):
        rules.check_removal(DESK2, "chen", NOW, None, soon, "拍错了")
    assert rules.check_removal(MANAGER, "chen", NOW, None, later, "含其他业主隐私") == "含其他业主隐私"
    with pytest.raises(ValidationError) as info:
        rules.check_removal(MANAGER, "chen", NOW, None, later, "  ")
    assert info.value.field == "remove_reason"
    with pytest.raises(DomainError):
        rules.check_removal(MANAGER, "chen", NOW, soon, later, "再删一次")
