"""Only a demand that can be proven in court restarts the limitation clock (Civil Code art. 195):
a tracking number, the signed copy, or a refusal before two staff. A tick box is no proof."""
from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image

from core.collections.delivery import (PROVEN_KINDS, ProofKind, last_proven_demand, restarts_limitation,
                                       validate_delivery, validate_proof, validate_tracking)
from core.collections.dunning import UnitDebt, expiry, work_item
from core.errors import ValidationError

STAFF = {"zhang", "lixin", "boss"}


def jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (300, 400), (250, 250, 250)).save(buf, format="JPEG")
    return buf.getvalue()


def test_only_actions_with_a_proof_kind_restart_the_clock():
    assert PROVEN_KINDS == {"courier", "signed_copy", "witnessed_refusal"}
    assert not restarts_limitation(None) and not restarts_limitation("") and not restarts_limitation("tick")
    actions = [(date(2025, 1, 5), None),                  # ticked before 0017: no proof
               (date(2024, 3, 1), "courier"), (date(2023, 2, 1), "witnessed_refusal")]
    assert last_proven_demand(actions) == date(2024, 3, 1)
    assert last_proven_demand([(date(2025, 1, 5), None)]) is None


def test_the_limitation_date_moves_with_a_proven_demand_and_not_with_a_tick():
    due = date(2022, 9, 15)
    ticked_only = last_proven_demand([(date(2025, 6, 1), None)])
    assert expiry(due, ticked_only) == date(2025, 9, 15)
    proven = last_proven_demand([(date(2025, 6, 1), None), (date(2025, 6, 10), "signed_copy")])
    assert expiry(due, proven) == date(2028, 6, 10)
    today = date(2025, 6, 20)
    warned = work_item(UnitDebt(1, due, 100, {}, ticked_only), today)
    calm = work_item(UnitDebt(1, due, 100, {}, proven), today)
    assert warned.limitation_warning and not calm.limitation_warning


@pytest.mark.parametrize("raw,clean", [("SF1234567890123", "SF1234567890123"), (" ea 123 456 789 cn ", "EA123456789CN"),
                                       ("1123456789012", "1123456789012"), ("JDVA01234567890", "JDVA01234567890"),
                                       ("7700-1234-5678", "770012345678")])
def test_tracking_numbers_of_the_usual_carriers_are_accepted(raw, clean):
    assert validate_tracking(raw) == clean


@pytest.mark.parametrize("raw", ["1234567", "ABCDE12345678", "=HYPERLINK(1)", "12345678901234567890123", "SF12X456789"])
def test_malformed_tracking_numbers_are_refused(raw):
    with pytest.raises(ValidationError) as e:
        validate_tracking(raw)
    assert (e.value.key, e.value.field) == ("err.tracking_format", "tracking_no")


def keys(call) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as e:
        call()
    return sorted((x.key, x.field) for x in getattr(e.value, "errors", [e.value]))


def test_each_kind_asks_for_its_own_fields_all_at_once():
    assert keys(lambda: validate_proof(None)) == [("err.proof_kind_required", "proof_kind")]
    assert keys(lambda: validate_proof("courier", "", "")) == [("err.required", "courier"), ("err.required", "tracking_no")]
    assert keys(lambda: validate_proof("signed_copy", file=b"GIF89a....")) == [("err.upload_type", "proof_file")]
    assert keys(lambda: validate_proof("witnessed_refusal", witnesses=("", ""), project_staff=STAFF)) == [
        ("err.required", "witness_1"), ("err.required", "witness_2")]
    assert keys(lambda: validate_proof("witnessed_refusal", witnesses=("boss", "boss"), project_staff=STAFF)) == [
        ("err.witness_twice", "witness_2")]
    assert keys(lambda: validate_proof("witnessed_refusal", witnesses=("zhang", "outsider"), project_staff=STAFF)) == [
        ("err.witness_not_staff", "witness_2")]


def test_a_valid_proof_keeps_what_the_court_would_ask_for():
    courier = validate_proof("courier", "ems", "ea123456789cn")
    assert (courier.kind, courier.courier, courier.tracking_no, courier.file) == (ProofKind.COURIER, "ems",
                                                                                  "EA123456789CN", None)
    copy = validate_proof("signed_copy", file=jpeg())
    assert copy.file_kind.value == "jpeg" and len(copy.sha256) == 64
    refusal = validate_proof("witnessed_refusal", witnesses=("zhang", "boss"), project_staff=STAFF)
    assert refusal.witnesses == ("zhang", "boss")


def test_delivery_is_asked_for_when_ticked_or_when_the_outcome_says_so():
    assert validate_delivery("promised", False, None) is None                    # nothing delivered, nothing asked
    assert keys(lambda: validate_delivery("promised", True, None)) == [("err.proof_kind_required", "proof_kind")]
    assert keys(lambda: validate_delivery("delivered", False, "")) == [("err.proof_kind_required", "proof_kind")]
    assert keys(lambda: validate_delivery("unreachable", True, "courier", "ems", "EA123456789CN")) == [
        ("err.delivered_unreachable", "outcome")]
    # a proof chosen without the tick is a delivery all the same
    assert validate_delivery("refused", False, "courier", "sf", "SF1234567890123").kind is ProofKind.COURIER
