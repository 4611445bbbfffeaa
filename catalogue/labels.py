"""Translated labels for the fixed lists in the people models and the audit log."""

from flask_babel import gettext, lazy_pgettext
from flask_babel import lazy_gettext as _l

AGENCY_KINDS = {
    "police": _l("Police"),
    "prosecution": lazy_pgettext("agency type", "Prosecution"),
    "hotline": _l("Hotline"),
    "ministry": _l("Ministry"),
    "international": _l("International organisation"),
    "ngo": _l("Non-governmental organisation"),
}

ROLES = {
    "pending": _l("Pending approval"),
    "member": _l("Member"),
    "curator": _l("Curator"),
    "admin": _l("Administrator"),
    "provider": _l("Technology provider"),
}

#: What an audit event's action code means, for the audit log page; the CSV export and the logs keep the codes.
AUDIT_ACTIONS = {
    "account.contact_details": _l("Contact details changed"),
    "account.register": _l("Access applied for"),
    "account.verify_email": _l("E-mail address confirmed"),
    "agency.create": _l("Agency added"),
    "agency.update": _l("Agency changed"),
    "agency.tool_usage.add": _l("Tool an agency uses added"),
    "agency.tool_usage.update": _l("Tool an agency uses changed"),
    "agency.tool_usage.remove": _l("Tool an agency uses removed"),
    "agency.unit.add": _l("Unit added"),
    "agency.unit.update": _l("Unit changed"),
    "agency.unit.remove": _l("Unit removed"),
    "catalogue.export": _l("Catalogue exported"),
    "catalogue.import": _l("Catalogue imported"),
    "contact.submit": _l("Request sent"),
    "contact.view": _l("Request opened"),
    "contact.list": _l("All requests listed"),
    "contact.export": _l("Requests exported"),
    "contact.overdue": _l("Overdue request reported"),
    "contact.acknowledge": _l("Request acknowledged"),
    "contact.accept": _l("Request accepted"),
    "contact.decline": _l("Request declined"),
    "contact.close": _l("Request closed"),
    "contact.assign": _l("Request assigned"),
    "contact.message": _l("Message on a request"),
    "mfa.enrol": _l("Two-step sign-in set up"),
    "mfa.disable": _l("Two-step sign-in turned off"),
    "mfa.reset": _l("Two-step sign-in reset"),
    "mfa.recovery_codes": _l("Recovery codes renewed"),
    "password.change": _l("Password changed"),
    "password.reset_request": _l("Password reset asked for"),
    "password.reset": _l("Password reset"),
    "people.profile.update": _l("Officer profile saved"),
    "permission.denied": _l("Access refused"),
    "settings.change": _l("Settings changed"),
    "sign_in": _l("Sign-in with password"),
    "sign_in.mfa": _l("Sign-in code"),
    "sign_out": _l("Sign-out"),
    "terms.accept": _l("Terms accepted"),
    "synonyms.add": _l("Synonym group added"),
    "synonyms.edit": _l("Synonym group changed"),
    "synonyms.delete": _l("Synonym group deleted"),
    "training.create": _l("Training created"),
    "training.edit": _l("Training changed"),
    "training.publish": _l("Training published"),
    "training.cancel": _l("Training cancelled"),
    "training.enrol": _l("Enrolment in a training"),
    "training.cancel_enrolment": _l("Enrolment cancelled"),
    "training.export": _l("Attendee list exported"),
    "user.create": _l("Account created"),
    "user.role_change": _l("Role changed"),
    "user.agency_change": _l("Agency of an account changed"),
    "user.point_of_contact": _l("Point of contact changed"),
    "user.deactivate": _l("Account deactivated"),
    "user.reactivate": _l("Account reactivated"),
    "vetting.approve": _l("Application approved"),
    "vetting.reject": _l("Application rejected"),
    "vocabulary.term_add": _l("Term added"),
    "vocabulary.term_relabel": _l("Term relabelled"),
    "vocabulary.term_reorder": _l("Terms reordered"),
    "vocabulary.term_retire": _l("Term retired"),
    "vocabulary.term_reinstate": _l("Term reinstated"),
    "vocabulary.term_merge": _l("Terms merged"),
}

#: Entry events are recorded as ``<kind>.<event>`` (``tool.submit``): the kind's and the event's labels, as nouns.
AUDIT_ENTRY_KINDS = {"tool": _l("Tool entry"), "guidance": _l("Guidance page")}
AUDIT_ENTRY_EVENTS = {
    "create": _l("creation"), "edit": _l("edit"), "restore": _l("restoring an earlier version"),
    "submit": _l("submission for review"), "publish": _l("publication"), "verify": _l("verification"),
    "return": _l("return to its author"), "unpublish": _l("unpublishing"), "archive": _l("archiving"),
    "reopen": _l("reopening"), "propose": _l("proposed change"), "approve": _l("approval of a proposed change"),
    "withdraw": _l("withdrawal of a proposed change"), "translate": _l("translation saved"),
    "untranslate": _l("translation deleted"),
    "verification_request": _l("verification request to the provider"),
    "verification_answer": _l("provider's answer to a verification request"),
    "verification_close": _l("verification request closed"),
}

AUDIT_OUTCOMES = {
    "success": _l("Done"),
    "failure": _l("Failed"),
    "denied": _l("Refused"),
    "throttled": _l("Held back (too many attempts)"),
    "deactivated": _l("Account deactivated"),
    "duplicate": _l("Address already registered"),
    "password_ok": _l("Password right, code awaited"),
    "unknown": _l("Unknown address"),
    "expired": _l("Link expired"),
    "invalid": _l("Link not valid"),
    "used": _l("Link already used"),
}


def audit_action(code: str) -> str:
    """The label of an audit action code; a code without one (a new action) is shown as it is."""
    if code in AUDIT_ACTIONS:
        return str(AUDIT_ACTIONS[code])
    kind, _, event = code.partition(".")
    if kind in AUDIT_ENTRY_KINDS and event in AUDIT_ENTRY_EVENTS:
        return gettext("%(entry)s: %(event)s", entry=AUDIT_ENTRY_KINDS[kind], event=AUDIT_ENTRY_EVENTS[event])
    return code


def audit_outcome(code: str) -> str:
    return str(AUDIT_OUTCOMES.get(code, code))
