"""Complaints: the CFPB's issue taxonomy and the steps of the complaint loop."""

from __future__ import annotations

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
