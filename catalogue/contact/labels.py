"""What request kinds, urgencies, handling codes, states and events are called in the interface."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "tool-experience": _l("Tool experience"), "case-cooperation": _l("Case cooperation"),
    "technical-assistance": _l("Technical assistance"), "training": _l("Training"), "other": _l("Other"),
}
URGENCY_LABELS = {"routine": _l("Routine"), "urgent": _l("Urgent")}
#: The handling code's short name and what it asks of the recipient, shown on the form and on the request.
HANDLING_LABELS = {
    "H0": _l("H0 – for law-enforcement purposes only"),
    "H1": _l("H1 – not to be used in court without the sender's permission"),
    "H2": _l("H2 – not to be passed on without the sender's permission"),
    "H3": _l("H3 – other restrictions, stated in the conditions"),
}
HANDLING_MEANINGS = {
    "H0": _l("The content may be used for law-enforcement purposes only."),
    "H1": _l("The content may be used for law-enforcement purposes, but not as evidence in court without the "
             "sender's permission."),
    "H2": _l("The content must not be passed on to anyone outside the receiving agency without the sender's "
             "permission."),
    "H3": _l("The content may be used only under the conditions the sender states below."),
}
STATE_LABELS = {
    "submitted": _l("Submitted"), "acknowledged": _l("Acknowledged"), "accepted": _l("Accepted"),
    "declined": _l("Declined"), "closed": _l("Closed"),
}
#: In-app notifications: what happened to the request.
EVENT_LABELS = {
    "submitted": _l("New request"), "acknowledged": _l("Request acknowledged"), "accepted": _l("Request accepted"),
    "declined": _l("Request declined"), "closed": _l("Request closed"), "assigned": _l("Request assigned"),
    "message": _l("New message"), "overdue": _l("Request overdue"),
}
#: The request page's history: audit actions as sentences about the request.
HISTORY_LABELS = {
    "contact.submit": _l("Sent the request"), "contact.acknowledge": _l("Acknowledged the request"),
    "contact.accept": _l("Accepted the request"), "contact.decline": _l("Declined the request"),
    "contact.close": _l("Closed the request"), "contact.assign": _l("Assigned the request"),
    "contact.message": _l("Wrote a message"), "contact.view": _l("Viewed by an administrator"),
    "contact.overdue": _l("Overdue: the answer time passed without an acknowledgement; both sides were told"),
}
