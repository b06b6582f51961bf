"""Prose is kept as the user wrote it: a reason or a note in Chinese keeps its full-width
punctuation (NFKC, right for room numbers and amounts, would turn ，：（）！？ into ASCII and
rewrite what the desk typed). Codes and numbers are still normalised."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from core.collections import entries
from core.collections.plans import check_decision
from core.movein import defects
from core.movein.flow import may_undo
from core.org.rules import parse_room_no, validate_optional_text

SENTENCE = "业主说：金额录错（多收一百元），请核对！可以吗？"
TODAY = date(2026, 3, 10)


def test_every_reason_and_note_keeps_its_full_width_punctuation():
    now = datetime(2026, 3, 10, 8, tzinfo=timezone.utc)
    kept = {
        "void reason": entries.validate_void(SENTENCE, TODAY, False, TODAY),
        "waiver request reason": entries.validate_waiver_request("10.00", SENTENCE, 100_000)[1],
        "waiver reason": entries.validate_waiver(1000, SENTENCE, "周经理").reason,
        "plan decision note": check_decision("pending", False, SENTENCE),
        "dispute note": defects.validate_dispute(SENTENCE),
        "defect closing note": defects.validate_closing(True, SENTENCE),
        "undo reason": may_undo("lin", now - timedelta(hours=1), "zhou", now, True, SENTENCE),
        "special-need note": validate_optional_text(f"  {SENTENCE} ", "need_note", 500),
    }
    changed = {where: text for where, text in kept.items() if text != SENTENCE}
    assert not changed, changed


def test_codes_are_still_normalised():
    assert parse_room_no("３－１９０６")[0] == "3-1906"          # full-width digits typed on a phone
    assert entries.validate_receipt("ｓｚ０１－２０２６－０００００１") == "SZ01-2026-000001"
