"""Translated labels for the fixed lists in the people models."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

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
}
