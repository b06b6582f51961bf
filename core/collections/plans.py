"""Payment plans: a unit's debt (or a stated part of it) paid in instalments the owner agreed to.

A plan is entered by whoever speaks to the owner (the desk, a collector) and counts only once a
manager approved it. While an approved plan is kept, the dunning ladder pauses for the unit. It is
kept as long as the money paid since the plan began covers every instalment whose due date is more
than GRACE_DAYS behind; the first instalment that is not covered by then is *missed*: the pause
ends that day and the ladder resumes. A plan whose instalments are all covered is *completed*.

The limitation clock (`limitation_start`): Civil Code art. 189 says that where the parties agree
to perform one debt in instalments, the limitation period runs from the day the LAST instalment
falls due. So for a unit with an approved plan the three years run from the later of the usual
start (the oldest unpaid bill's due date, restarted by a demand delivered with proof, art. 195)
and the last instalment's due date, whether or not the plan was kept: the agreement itself set
that date. A plan pending or refused was never agreed and moves nothing."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from typing import Iterable, Sequence

from core.collections.money import parse_yuan, yuan
from core.errors import ValidationError, ValidationErrors
from core.org.rules import as_typed, normalise_text

GRACE_DAYS = 5           # an instalment a few days late is not yet missed (a transfer takes days)
MAX_INSTALMENTS = 24     # two years of monthly instalments
NOTE_MAX = 300


class PlanStatus(str, Enum):
    PENDING = "pending"      # entered, waiting for a manager
    APPROVED = "approved"    # agreed: pauses the ladder while kept
    REFUSED = "refused"      # a manager said no: pauses nothing


class InstalmentState(str, Enum):
    PAID = "paid"            # covered by the money paid since the plan began
    OPEN = "open"            # not covered yet, and not late beyond the grace
    MISSED = "missed"        # due + grace has passed without the money


class Progress(str, Enum):
    """Where an approved plan stands today (pending and refused plans have no progress)."""
    KEPT = "kept"
    MISSED = "missed"
    COMPLETED = "completed"


@dataclass(frozen=True)
class Instalment:
    due: date
    cents: int


@dataclass(frozen=True)
class PlanEntry:
    instalments: tuple[Instalment, ...]
    note: str

    @property
    def total(self) -> int:
        return sum(i.cents for i in self.instalments)

    @property
    def ends(self) -> date:
        return self.instalments[-1].due


def _due(value: object, index: int) -> date:
    field = f"instalment_{index}_due"
    if value is None or value == "":
        raise ValidationError("err.required", field=field)
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(normalise_text(value))
    except ValueError:
        raise ValidationError("err.date_format", field=field) from None


def _amount(value: object, index: int) -> int:
    field = f"instalment_{index}_amount"
    if isinstance(value, bool):
        raise ValidationError("err.money_format", field=field)
    if isinstance(value, int):
        if value <= 0:
            raise ValidationError("err.money_positive", field=field)
        return value
    return parse_yuan(value, field=field)


def _note(value: object) -> str:
    text = normalise_text(value)
    if len(text) > NOTE_MAX:
        raise ValidationError("err.too_long", field="note", max=NOTE_MAX)
    return text


def _collect(check, errors: list) -> object:
    try:
        return check()
    except ValidationErrors as e:
        errors.extend(e.errors)
    except ValidationError as e:
        errors.append(e)
    return None


def validate_plan_entry(rows: Sequence[tuple[object, object]], note: object, owed: int, today: date) -> PlanEntry:
    """Instalments as (due date, amount) pairs (amounts as yuan text or integer cents); rows left
    wholly blank are dropped. Every wrong field at once: each due date present, not before today
    and later than the one before; each amount a positive sum in cents; the total no more than
    the unit owes (`owed`, overdue and current together)."""
    filled = [(i, d, a) for i, (d, a) in enumerate(rows, start=1) if not (d in (None, "") and a in (None, ""))]
    if not filled:
        raise ValidationError("err.plan_no_instalments", field="instalment_1_due")
    errors: list[ValidationError] = []
    if len(filled) > MAX_INSTALMENTS:
        errors.append(ValidationError("err.plan_too_many", field="instalments", max=MAX_INSTALMENTS))
    previous = None
    instalments = []
    for i, d, a in filled:
        due = _collect(lambda: _due(d, i), errors)
        cents = _collect(lambda: _amount(a, i), errors)
        if due is not None:
            if due < today:
                errors.append(ValidationError("err.plan_due_past", field=f"instalment_{i}_due",
                                              day=today.isoformat()))
            elif previous is not None and due <= previous:
                errors.append(ValidationError("err.plan_due_order", field=f"instalment_{i}_due"))
            previous = due if previous is None else max(previous, due)
        instalments.append((due, cents))
    note_ = _collect(lambda: _note(note), errors)
    total = sum(c for _, c in instalments if c is not None)
    if total > owed:
        errors.append(ValidationError("err.plan_total", field="total", total=yuan(total), owed=yuan(owed)))
    if errors:
        raise ValidationErrors(errors)
    return PlanEntry(tuple(Instalment(d, c) for d, c in instalments), note_)


@dataclass(frozen=True)
class Plan:
    """A stored plan as the rules read it. `paid`: what the unit paid since the plan began (payments
    not voided, dated on or after `starts`). A plan from before instalments existed (no instalments)
    is kept from `starts` to `ends`, as it always was."""
    status: PlanStatus
    starts: date
    ends: date
    instalments: tuple[Instalment, ...] = ()
    paid: int = 0


def instalment_states(plan: Plan, today: date, grace: int = GRACE_DAYS) -> tuple[InstalmentState, ...]:
    """Each instalment paid, open or missed: the money paid since the plan began covers the
    instalments in date order."""
    out, covered, left = [], 0, plan.paid
    for inst in plan.instalments:
        covered += inst.cents
        if left >= covered:
            out.append(InstalmentState.PAID)
        elif inst.due + timedelta(days=grace) < today:
            out.append(InstalmentState.MISSED)
        else:
            out.append(InstalmentState.OPEN)
    return tuple(out)


def missed_on(plan: Plan, today: date, grace: int = GRACE_DAYS) -> date | None:
    """The day the pause ended because an instalment was missed (its due date + the grace, plus
    one), or None while the plan holds. The alerts can ask this of every approved plan."""
    if plan.status != PlanStatus.APPROVED:
        return None
    for inst, state in zip(plan.instalments, instalment_states(plan, today, grace)):
        if state == InstalmentState.MISSED:
            return inst.due + timedelta(days=grace + 1)
    return None


def progress(plan: Plan, today: date, grace: int = GRACE_DAYS) -> Progress | None:
    if plan.status != PlanStatus.APPROVED:
        return None
    if not plan.instalments:
        return Progress.KEPT if today <= plan.ends else Progress.COMPLETED
    states = instalment_states(plan, today, grace)
    if InstalmentState.MISSED in states:
        return Progress.MISSED
    return Progress.COMPLETED if all(s == InstalmentState.PAID for s in states) else Progress.KEPT


def pauses(plan: Plan, today: date, grace: int = GRACE_DAYS) -> bool:
    """Does this plan pause the ladder today? Approved, begun, and kept."""
    # From the day the plan was entered (`starts`), not from its first due date.
    if plan.status != PlanStatus.APPROVED or today < plan.starts:
        return False
    return progress(plan, today, grace) == Progress.KEPT


def limitation_start(plans: Iterable[Plan]) -> date | None:
    """Civil Code art. 189: the due date of the last instalment of the unit's approved plans (the
    latest, if several), from which the limitation period runs; None without an approved plan of
    instalments."""
    ends = [p.instalments[-1].due for p in plans if p.status == PlanStatus.APPROVED and p.instalments]
    return max(ends) if ends else None


def check_decision(status: PlanStatus | str, approve: bool, note: object) -> str:
    """Only a pending plan (or waiver) is decided, once; a refusal says why."""
    text = as_typed(note)

    def state():
        if PlanStatus(status) != PlanStatus.PENDING:
            raise ValidationError("err.already_decided", field="decision")

    def reason():
        if not approve and not text:
            raise ValidationError("err.decision_reason", field="decision_note")
        if len(text) > NOTE_MAX:
            raise ValidationError("err.too_long", field="decision_note", max=NOTE_MAX)

    ValidationErrors.collect(state, reason)
    return text
