"""Translated labels for the directory's fixed lists: regions and specialisms (the slugs live in the models)."""

from flask_babel import lazy_gettext as _l

REGIONS = {
    "africa": _l("Africa"),
    "americas": _l("Americas"),
    "asia": _l("Asia"),
    "europe": _l("Europe"),
    "oceania": _l("Oceania"),
}

SPECIALISMS = {
    "victim-identification": _l("Victim identification"),
    "online-investigations": _l("Online investigations"),
    "digital-forensics": _l("Digital forensics"),
    "undercover-operations": _l("Undercover operations"),
    "hotline": _l("Hotline"),
    "prosecution": _l("Prosecution"),
    "training": _l("Training"),
    "research": _l("Research"),
}
