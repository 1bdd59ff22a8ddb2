"""Complaints: the CFPB's issue taxonomy and the steps of the complaint loop."""

from __future__ import annotations

import hashlib
from enum import StrEnum

from recoverly.domain.errors import NotPermitted

# The rule that stops a template drawing upheld complaints, in plans and at send time.
PAUSED_TEMPLATE = "complaints.template_paused"


class Issue(StrEnum):
    """The CFPB's debt-collection complaint issues (Consumer Complaint Database)."""

    NOT_OWED = "attempts_to_collect_debt_not_owed"
    WRITTEN_NOTIFICATION = "written_notification_about_debt"
    COMMUNICATION_TACTICS = "communication_tactics"
    NEGATIVE_OR_LEGAL_ACTION = "took_or_threatened_negative_or_legal_action"
    FALSE_STATEMENTS = "false_statements_or_representation"
    IMPROPER_SHARING = "threatened_to_contact_someone_or_share_information_improperly"
    UNCLASSIFIED = "unclassified"


# The CFPB's issue names, current and retired, by the issue Recoverly files them under:
# a CFPB export's ``Issue`` column can be imported and trained on as it is.
CFPB_ISSUES = {
    "attempts to collect debt not owed": Issue.NOT_OWED,
    "cont'd attempts collect debt not owed": Issue.NOT_OWED,
    "written notification about debt": Issue.WRITTEN_NOTIFICATION,
    "disclosure verification of debt": Issue.WRITTEN_NOTIFICATION,
    "communication tactics": Issue.COMMUNICATION_TACTICS,
    "took or threatened to take negative or legal action": Issue.NEGATIVE_OR_LEGAL_ACTION,
    "taking/threatening an illegal action": Issue.NEGATIVE_OR_LEGAL_ACTION,
    "false statements or representation": Issue.FALSE_STATEMENTS,
    "threatened to contact someone or share information improperly": Issue.IMPROPER_SHARING,
    "improper contact or sharing of info": Issue.IMPROPER_SHARING,
}


def issue_of(cfpb_issue: str) -> Issue | None:
    """Recoverly's issue for a CFPB issue name, or None if it is not a collection issue."""
    return CFPB_ISSUES.get(cfpb_issue.strip().lower())


class ReceiptChannel(StrEnum):
    """How the debtor made the complaint (not which system recorded it: that is its
    source)."""

    API = "api"
    PORTAL = "portal"
    FILE = "file"
    PHONE = "phone"
    EMAIL = "email"
    LETTER = "letter"
    REGULATOR = "regulator"


# The source of complaints taken in through ``POST /complaints``; an import names its own.
API_SOURCE = "api"


def imported_complaint_id(source: str, reference: str) -> str:
    """The id of a complaint a file brings in, the same each time the file is imported.

    Args:
        source: the system the file came from (``cfpb``), at most 32 characters.
        reference: what that system knows the complaint by: its own id where it has
            one, else what the complaint says (case, time received, text).

    Returns:
        ``source-`` and 20 hex digits of a SHA-256 of both: short, safe in a URL path,
        and one id per complaint however often it is imported.
    """
    digest = hashlib.sha256(f"{source}\x1f{reference}".encode()).hexdigest()[:20]
    return f"{source}-{digest}"


class Status(StrEnum):
    RECEIVED = "received"
    RESPONDED = "responded"
    CLOSED = "closed"


NEXT = {Status.RECEIVED: {Status.RESPONDED, Status.CLOSED}, Status.RESPONDED: {Status.CLOSED}}


def move(current: Status, to: Status) -> Status:
    """The new status, if the loop allows the step; a closed complaint stays closed."""
    if to not in NEXT.get(current, set()):
        raise NotPermitted(f"a {current.value} complaint cannot become {to.value}")
    return to
