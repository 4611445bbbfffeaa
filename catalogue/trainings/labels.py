"""What formats, kinds and statuses are called in the interface."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

FORMAT_LABELS = {"online": _l("Online"), "in_person": _l("In person"), "hybrid": _l("Hybrid")}
KIND_LABELS = {"course": _l("Course"), "webinar": _l("Webinar"), "workshop": _l("Workshop")}
STATUS_LABELS = {"draft": _l("Draft"), "published": _l("Published"), "cancelled": _l("Cancelled")}
ENROLMENT_LABELS = {"enrolled": _l("Enrolled"), "waitlisted": _l("Waiting list"), "cancelled": _l("Left")}
