"""Proof of delivery of a demand, and which demands restart the limitation clock.

A demand interrupts the three-year limitation (Civil Code art. 195) only when the company can show
in court that it reached the owner. Three kinds of proof are kept:

- COURIER: sent by courier or registered post, with the tracking number (the carrier's record of
  the signature is the evidence);
- SIGNED_COPY: a photo or scan of the copy the owner signed, uploaded and kept with the record;
- WITNESSED_REFUSAL: the owner refused to take it in front of two staff of the project, each named.

A tick box is no proof: the rows recorded as "delivered" before migration 0017 carry no proof
kind and no longer restart the clock."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Collection, Iterable

from core.collections.dunning import Outcome
from core.errors import ValidationError, ValidationErrors
from core.uploads import IMAGES_AND_PDF, MAX_BYTES, UploadKind, check_upload


class ProofKind(str, Enum):
    COURIER = "courier"
    SIGNED_COPY = "signed_copy"
    WITNESSED_REFUSAL = "witnessed_refusal"


# Kinds that restart the clock: every kind of proof, and nothing else. The SQL of the worklist
# selects demands by this set (db/collection_queries.py).
PROVEN_KINDS = frozenset(k.value for k in ProofKind)

# The carriers a service centre uses for demands; EMS (China Post) carries registered letters.
COURIERS = ("ems", "sf", "jd", "zto", "yto", "sto", "yunda", "other")

# A Chinese waybill number: up to four letters of the carrier (SF, JDVA, YT), 8 to 20 digits, and
# for the UPU format of registered post two letters of the country at the end (EA123456789CN).
_TRACKING = re.compile(r"[A-Z]{0,4}\d{8,20}[A-Z]{0,2}")
_TRACKING_JUNK = re.compile(r"[\s\-]")


def restarts_limitation(proof_kind: str | None) -> bool:
    return proof_kind in PROVEN_KINDS


def last_proven_demand(actions: Iterable[tuple[date, str | None]]) -> date | None:
    """The day of the latest demand with proof, from (taken_on, proof_kind) pairs."""
    days = [day for day, kind in actions if restarts_limitation(kind)]
    return max(days) if days else None


def needs_proof(outcome: str, delivered: bool) -> bool:
    """A demand recorded as delivered (ticked, or with the outcome "delivered") needs its proof."""
    return delivered or outcome == Outcome.DELIVERED.value


@dataclass(frozen=True)
class Proof:
    kind: ProofKind
    courier: str | None = None
    tracking_no: str | None = None
    file: bytes | None = None
    file_kind: UploadKind | None = None
    witnesses: tuple[str, ...] = ()

    @property
    def sha256(self) -> str | None:
        return hashlib.sha256(self.file).hexdigest() if self.file is not None else None


def normalise_tracking(value: object) -> str:
    return _TRACKING_JUNK.sub("", str(value or "")).upper()


def validate_tracking(value: object) -> str:
    number = normalise_tracking(value)
    if not number:
        raise ValidationError("err.required", field="tracking_no")
    if not _TRACKING.fullmatch(number):
        raise ValidationError("err.tracking_format", field="tracking_no")
    return number


def validate_proof(kind: object, courier: object = "", tracking_no: object = "", file: bytes | None = None,
                   witnesses: tuple[object, ...] = (), project_staff: Collection[str] = (),
                   max_bytes: int = MAX_BYTES) -> Proof:
    """The proof of one delivered demand; every wrong field of the chosen kind at once.
    `project_staff`: usernames of the active staff of the unit's project (the possible witnesses)."""
    try:
        kind_ = ProofKind(kind)
    except ValueError:
        raise ValidationError("err.proof_kind_required", field="proof_kind") from None
    if kind_ is ProofKind.COURIER:
        def carrier():
            if courier not in COURIERS:
                raise ValidationError("err.required", field="courier")
            return courier
        carrier_, number = ValidationErrors.collect(carrier, lambda: validate_tracking(tracking_no))
        return Proof(kind_, courier=carrier_, tracking_no=number)
    if kind_ is ProofKind.SIGNED_COPY:
        file_kind = check_upload(file, IMAGES_AND_PDF, max_bytes, field="proof_file")
        return Proof(kind_, file=file, file_kind=file_kind)
    return Proof(kind_, witnesses=_witnesses(witnesses, project_staff))


def _witnesses(picked: tuple[object, ...], staff: Collection[str]) -> tuple[str, str]:
    names = [str(w or "").strip() for w in (tuple(picked) + ("", ""))[:2]]

    def one(i: int):
        def check():
            field = f"witness_{i + 1}"
            if not names[i]:
                raise ValidationError("err.required", field=field)
            if names[i] not in staff:
                raise ValidationError("err.witness_not_staff", field=field)
            if i == 1 and names[1] == names[0]:
                raise ValidationError("err.witness_twice", field=field)
            return names[i]
        return check

    first, second = ValidationErrors.collect(one(0), one(1))
    return first, second


def validate_delivery(outcome: str, delivered: bool, kind: object, courier: object = "", tracking_no: object = "",
                      file: bytes | None = None, witnesses: tuple[object, ...] = (),
                      project_staff: Collection[str] = (), max_bytes: int = MAX_BYTES) -> Proof | None:
    """The proof of an action recorded as delivered, None for an action that delivered nothing. A
    proof given for an action not ticked is a delivery too; nobody reached delivers nothing."""
    if not needs_proof(outcome, delivered) and not kind:
        return None
    if outcome == Outcome.UNREACHABLE.value:
        raise ValidationError("err.delivered_unreachable", field="outcome")
    return validate_proof(kind, courier, tracking_no, file, witnesses, project_staff, max_bytes)
