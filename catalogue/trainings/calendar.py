"""iCalendar files: one per training, and one with a member's own trainings.

Times go out as local time with a TZID and a VTIMEZONE for each zone, so calendar programs show the right time on
both sides of a daylight-saving change. The UID is stable per training, so importing a file again updates the
event instead of adding a second one; SEQUENCE follows the training's version.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from icalendar import Calendar, Event

from catalogue import times
from catalogue.mail import absolute_url
from catalogue.markdown import markdown_to_text
from catalogue.models import Enrolment, Training, User
from catalogue.models.base import utcnow
from catalogue.trainings import notices, services
from catalogue.trainings.labels import FORMAT_LABELS, KIND_LABELS

PRODUCT_ID = "-//AI Tools Catalogue//Trainings//EN"


def uid_of(training: Training) -> str:
    host = urlsplit(current_app.config["CATALOGUE_BASE_URL"]).hostname or "catalogue.local"
    return f"training-{training.id}@{host}"


def _aware_utc(moment):
    return moment.replace(tzinfo=UTC)


def description_of(training: Training, waitlisted: bool = False) -> str:
    parts = []
    if waitlisted:
        parts.append(_("You are on the waiting list: this is not a confirmed seat."))
    if training.status == "cancelled":
        parts.append(_("This training has been cancelled."))
    provider = _("Provider: %(provider)s", provider=training.provider)
    parts.append(f"{KIND_LABELS[training.kind]} · {FORMAT_LABELS[training.format]} · {provider}")
    parts.append(times.when_text(training))
    if training.format == "online" and training.location.strip():
        parts.append(_("How to join: %(address)s", address=training.location.strip()))
    if training.audience:
        parts.append(_("Audience: %(audience)s", audience=training.audience))
    if training.description:
        parts.append(markdown_to_text(training.description))
    parts.append(absolute_url("trainings.detail", slug=training.slug))
    return "\n\n".join(parts)


def event_of(training: Training, enrolment: Enrolment | None = None) -> Event:
    waitlisted = enrolment is not None and enrolment.status == "waitlisted"
    event = Event()
    event.add("uid", uid_of(training))
    event.add("dtstamp", _aware_utc(utcnow()))
    event.add("dtstart", training.local_start)
    event.add("dtend", training.local_end)
    event.add("summary", _("%(title)s (waiting list)", title=training.title) if waitlisted else training.title)
    event.add("description", description_of(training, waitlisted))
    location = notices.where_text(training)
    if location:
        event.add("location", location)
    event.add("url", absolute_url("trainings.detail", slug=training.slug))
    if training.status == "cancelled":
        event.add("status", "CANCELLED")
    elif waitlisted:
        event.add("status", "TENTATIVE")
    else:
        event.add("status", "CONFIRMED")
    event.add("sequence", training.version)
    event.add("last-modified", _aware_utc(training.updated_at))
    event.add("created", _aware_utc(training.created_at))
    return event


def _calendar(name: str, events: list[tuple[Training, Enrolment | None]]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for training, enrolment in events:
        calendar.add_component(event_of(training, enrolment))
    if events:
        # Only the years the events need, so the file stays small; a zone without rules is left out by icalendar
        first = min(t.starts_at for t, _e in events).date() - timedelta(days=1)
        last = max(t.ends_at for t, _e in events).date() + timedelta(days=1)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar.to_ical()


def training_calendar(slug: str, user) -> tuple[Training, bytes]:
    training = services.get_visible(slug, user)
    return training, _calendar(training.title, [(training, None)])


def member_calendar(user: User) -> bytes:
    """Every training the member is enrolled in or waiting for (waiting-list places are TENTATIVE)."""
    return _calendar(_("My trainings"), [(e.training, e) for e in services.active_enrolments(user)])
