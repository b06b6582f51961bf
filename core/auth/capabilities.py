"""What each role may do: named capabilities and the one matrix of role -> capabilities.

Pages ask `PAGE_ROLES` (core/auth/roles.py) whether a screen exists for a role; services ask this
matrix whether the actor may perform a write, whatever screen (or script) called them."""
from __future__ import annotations

from enum import Enum

from core.auth.roles import Role, parse_role


class Capability(str, Enum):
    # complaints
    REGISTER_COMPLAINT = "register_complaint"
    HANDLE_COMPLAINT = "handle_complaint"          # act on a ticket one received or handles
    MANAGE_COMPLAINTS = "manage_complaints"        # step in on any ticket; sign off "not valid"
    ACKNOWLEDGE_RED_LINE = "acknowledge_red_line"
    COMPLAINT_TO_CASE = "complaint_to_case"
    REASSIGN_COMPLAINT = "reassign_complaint"      # give a ticket another handler, with a reason
    # move-in
    PLAN_MOVEIN = "plan_movein"                    # batches, staffing, checklist
    RUN_MOVEIN_HALL = "run_movein_hall"            # check-in, stations, defects, disputes
    UNDO_MOVEIN_TAP = "undo_movein_tap"            # take back anyone's tap in the hall, later, with a reason
    # fee collection
    RECORD_PAYMENT = "record_payment"
    RECORD_DUNNING = "record_dunning"
    ADD_PAYMENT_PLAN = "add_payment_plan"          # enter a plan the owner agreed to (counts once approved)
    APPROVE_PAYMENT_PLAN = "approve_payment_plan"  # approve or refuse an entered plan
    REQUEST_WAIVER = "request_waiver"              # ask for a waiver or discount on a bill
    WAIVE_FEE = "waive_fee"                        # approve or refuse a requested waiver (or waive at once)
    VOID_PAYMENT = "void_payment"                  # on the day it was recorded, with a reason
    MANAGE_FEES = "manage_fees"                    # a project's fee items and their rates
    RUN_BILLING = "run_billing"                    # the monthly billing run: preview, confirm, undo
    VIEW_COLLECTIONS = "view_collections"
    COLLECT_ON_ROUNDS = "collect_on_rounds"        # is given buildings of the dunning worklist
    # case library and training
    EDIT_CASES = "edit_cases"                      # drafts, editing, publishing
    RUN_TRAINING = "run_training"
    # people, projects, imports
    MANAGE_USERS = "manage_users"
    MANAGE_ORG = "manage_org"                      # company name, projects, buildings, units (set-up)
    IMPORT_DATA = "import_data"
    VIEW_UNITS = "view_units"
    SEE_FULL_PHONE = "see_full_phone"              # PIPL: only roles that call owners back
    EDIT_OWNERS = "edit_owners"                    # owners' names and phones, co-owners, transfers
    SEE_SPECIAL_NEEDS = "see_special_needs"        # the special-needs ledger: not for trainers
    RECORD_SPECIAL_NEEDS = "record_special_needs"  # enter and end its entries
    VIEW_AUDIT = "view_audit"                      # the audit viewer and its export
    SEE_ALL_PROJECTS = "see_all_projects"          # default scope of a new account
    SEE_HEADLINES = "see_headlines"                # the company's rates and warnings on home
    # working calendar
    MANAGE_CALENDAR = "manage_calendar"            # opening hours, entered official years (admin)
    VIEW_CALENDAR = "view_calendar"                # the calendar the clocks count on, read-only
    MANAGE_DOCUMENTS = "manage_documents"          # letter templates, how to pay on notices (admin)
    # alerts (issue 17)
    RECEIVE_RED_LINES = "receive_red_lines"        # senior management: red lines reach them at once
    MANAGE_NOTIFICATIONS = "manage_notifications"  # channels, owner templates, delivery log, resend
    MANAGE_REPLIES = "manage_replies"              # the canned replies (统一说词): edit, retire, add


C = Capability
_DESK = {C.REGISTER_COMPLAINT, C.HANDLE_COMPLAINT, C.VIEW_UNITS, C.SEE_SPECIAL_NEEDS, C.RECORD_SPECIAL_NEEDS}
_COLLECTOR = {C.RECORD_PAYMENT, C.RECORD_DUNNING, C.VIEW_COLLECTIONS, C.SEE_FULL_PHONE, C.VOID_PAYMENT,
              C.ADD_PAYMENT_PLAN, C.REQUEST_WAIVER}
_MANAGER = (_DESK | _COLLECTOR | {C.MANAGE_COMPLAINTS, C.ACKNOWLEDGE_RED_LINE, C.COMPLAINT_TO_CASE, C.REASSIGN_COMPLAINT, C.PLAN_MOVEIN,
                                  C.RUN_MOVEIN_HALL, C.UNDO_MOVEIN_TAP, C.APPROVE_PAYMENT_PLAN, C.WAIVE_FEE, C.RUN_TRAINING,
                                  C.SEE_ALL_PROJECTS, C.SEE_HEADLINES, C.VIEW_CALENDAR, C.EDIT_OWNERS,
                                  C.VIEW_AUDIT, C.MANAGE_FEES, C.RUN_BILLING, C.RECEIVE_RED_LINES,
                                  C.MANAGE_REPLIES})

ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.ADMIN: frozenset(Capability) - {C.COLLECT_ON_ROUNDS},
    Role.MANAGER: frozenset(_MANAGER),
    Role.SUPERVISOR: frozenset(_DESK | {C.PLAN_MOVEIN, C.RUN_MOVEIN_HALL, C.REASSIGN_COMPLAINT}),
    Role.FRONTDESK: frozenset(_DESK | _COLLECTOR | {C.COLLECT_ON_ROUNDS, C.EDIT_OWNERS}),
    Role.TRAINER: frozenset({C.EDIT_CASES, C.RUN_TRAINING}),
}


def can(role: str | Role | None, capability: Capability) -> bool:
    r = role if isinstance(role, Role) else parse_role(role)
    return r is not None and capability in ROLE_CAPABILITIES[r]


def roles_with(capability: Capability) -> frozenset[Role]:
    return frozenset(r for r, caps in ROLE_CAPABILITIES.items() if capability in caps)
