"""The trainings list's filters, the curators' editor and the small forms behind each button."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import or_, select
from wtforms import DateTimeLocalField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from catalogue import times
from catalogue.choices import options
from catalogue.extensions import db
from catalogue.forms import SLUG_PATTERN, VersionedForm, language_choices, markdown_length
from catalogue.languages.formatting import sorted_choices
from catalogue.models import GuidancePage, Tool, Training
from catalogue.templating import language_name
from catalogue.trainings.labels import FORMAT_LABELS, KIND_LABELS

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
MAX_CAPACITY = 100_000
MAX_DAYS = 366
NEEDS_LOCATION = ("in_person", "hybrid")
SEATS_MESSAGE = _l("Give the number of seats as a whole number, for example 20.")


class FilterForm(FlaskForm):
    """The list's filters, read from the query string (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    format = SelectField(_l("Format"), validators=[Optional()])
    kind = SelectField(_l("Kind"), validators=[Optional()])
    language = SelectField(_l("Language"), validators=[Optional()])
    when = SelectField(_l("When"), validators=[Optional()])


def filter_form(args, languages: list[str]) -> FilterForm:
    form = FilterForm(formdata=args)
    form.format.choices = options([("", _l("Any format")), *FORMAT_LABELS.items()])
    form.kind.choices = options([("", _l("Any kind")), *KIND_LABELS.items()])
    form.language.choices = options([("", _l("Any language")),
                                     *sorted_choices((c, language_name(c)) for c in languages)])
    form.when.choices = options([("", _l("Upcoming")), ("past", _l("Past trainings"))])
    return form


def chosen(args, name: str, allowed) -> str:
    """A filter value from the query string if it is one of ``allowed``, else no filter."""
    value = args.get(name, "")
    return value if value in allowed else ""


class ActionForm(FlaskForm):
    """Enrol and leave: nothing to fill in, only the CSRF token."""


class PublishForm(VersionedForm):
    pass


class CancelForm(VersionedForm):
    message = TextAreaField(_l("Message to enrolled and waiting members (optional)"),
                            validators=[Optional(), Length(max=2000)],
                            description=_l("Plain text, added to the cancellation e-mail. Say why, and whether a "
                                           "new date is planned."))


class TrainingForm(VersionedForm):
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=200)])
    slug = StringField(
        _l("Address (slug)"),
        validators=[Optional(), Length(max=80),
                    Regexp(SLUG_PATTERN, message=_l("Use lowercase letters, digits and single hyphens, for example "
                                                    "triage-workshop-2026."))],
        description=_l("The last part of the training's web address. Leave empty to make one from the title."))
    provider = StringField(_l("Provider"), validators=[InputRequired(), Length(max=200)],
                           description=_l("Who organises and teaches the training."))
    kind = SelectField(_l("Kind"), validators=[InputRequired()])
    format = SelectField(_l("Format"), validators=[InputRequired()])
    language = SelectField(_l("Language"), validators=[InputRequired()])
    audience = StringField(_l("Audience"), validators=[Optional(), Length(max=300)],
                           description=_l("Who it is for, for example: investigators new to device triage."))
    timezone = StringField(
        _l("Time zone"), validators=[InputRequired(), Length(max=64)],
        description=_l("Where the times below are local time, as an IANA zone name such as Europe/Vienna, "
                       "America/Sao_Paulo or Asia/Singapore."))
    starts_at = DateTimeLocalField(_l("Starts"), format=DATETIME_FORMATS, validators=[InputRequired()],
                                   description=_l("Local time in the training's time zone."))
    ends_at = DateTimeLocalField(_l("Ends"), format=DATETIME_FORMATS, validators=[InputRequired()],
                                 description=_l("Local time in the training's time zone."))
    registration_deadline = DateTimeLocalField(
        _l("Registration deadline (optional)"), format=DATETIME_FORMATS, validators=[Optional()],
        description=_l("Local time in the training's time zone; not after the start. Leave empty to accept "
                       "enrolments until the training starts."))
    location = TextAreaField(
        _l("Location, or joining note for online trainings"), validators=[Optional(), Length(max=2000)],
        description=_l("Address and room for in-person and hybrid trainings (required). For online trainings, "
                       "say how the link is sent, for example: the link is e-mailed the day before."))
    capacity = IntegerField(_l("Capacity (seats)"), validators=[
        InputRequired(SEATS_MESSAGE),
        NumberRange(min=1, max=MAX_CAPACITY, message=_l("Give a number of seats from 1 to %(max)s.",
                                                         max=f"{MAX_CAPACITY:,}"))])
    description = TextAreaField(_l("Description"), validators=[markdown_length],
                                description=_l("Markdown: **bold**, *italic*, lists, links and headings."))
    tool_ids = SelectMultipleField(_l("Related tools"), coerce=int, validators=[Optional()],
                                   description=_l("Published tools the training covers. Hold Ctrl (or Cmd) to "
                                                  "choose several."))
    guidance_ids = SelectMultipleField(_l("Related guidance"), coerce=int, validators=[Optional()],
                                       description=_l("Published guidance pages the training covers. Hold Ctrl (or "
                                                      "Cmd) to choose several."))

    def validate_timezone(self, field) -> None:
        field.data = (field.data or "").strip()
        if not times.is_known_zone(field.data):
            raise ValidationError(gettext("“%(zone)s” is not a time zone we know. Use an IANA name such as "
                                          "Europe/Vienna (region/city, in English).", zone=field.data))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.capacity.process_errors:  # "Not a valid integer value." says less than our own message
            self.capacity.errors = [SEATS_MESSAGE]
        zone = self.timezone.data if not self.timezone.errors else None
        start, end, deadline = self.starts_at.data, self.ends_at.data, self.registration_deadline.data
        if zone:
            for field in (self.starts_at, self.ends_at, self.registration_deadline):
                if field.data and not times.exists_in_zone(field.data, zone):
                    field.errors.append(gettext("This local time does not exist in %(zone)s: the clocks skip it when "
                                               "they go forward. Choose a time an hour later.", zone=zone))
                    valid = False
        if start and end and end <= start:
            self.ends_at.errors.append(_l("The end must be after the start."))
            valid = False
        elif start and end and (end - start).days > MAX_DAYS:
            self.ends_at.errors.append(_l("A training can last at most %(days)s days.", days=MAX_DAYS))
            valid = False
        if start and deadline and deadline > start:
            self.registration_deadline.errors.append(_l("The registration deadline cannot be after the start."))
            valid = False
        if self.format.data in NEEDS_LOCATION and not (self.location.data or "").strip():
            self.location.errors.append(_l("Give the address for an in-person or hybrid training."))
            valid = False
        return valid

    def values(self) -> dict[str, Any]:
        return {
            "title": self.title.data.strip(), "slug": (self.slug.data or "").strip(),
            "provider": self.provider.data.strip(), "kind": self.kind.data, "format": self.format.data,
            "language": self.language.data, "audience": (self.audience.data or "").strip(),
            "timezone": self.timezone.data, "starts_at": self.starts_at.data, "ends_at": self.ends_at.data,
            "registration_deadline": self.registration_deadline.data,
            "location": (self.location.data or "").strip(), "capacity": self.capacity.data,
            "description": self.description.data or "", "tool_ids": list(self.tool_ids.data or []),
            "guidance_ids": list(self.guidance_ids.data or []),
        }


def training_form(training: Training | None = None, **kwargs) -> TrainingForm:
    """The editor with its choices: published tools and guidance, plus any already linked to this training."""
    form = TrainingForm(**kwargs)
    form.kind.choices = options(KIND_LABELS.items())
    form.format.choices = options(FORMAT_LABELS.items())
    form.language.choices = options(language_choices())
    linked_tools = [t.id for t in training.tools] if training else []
    linked_pages = [p.id for p in training.guidance] if training else []
    tools = db.session.execute(select(Tool.id, Tool.name).where(
        or_(Tool.status == "published", Tool.id.in_(linked_tools))).order_by(Tool.name))
    form.tool_ids.choices = options((tool_id, name) for tool_id, name in tools)
    pages = db.session.execute(select(GuidancePage.id, GuidancePage.title).where(
        or_(GuidancePage.status == "published", GuidancePage.id.in_(linked_pages))).order_by(GuidancePage.title))
    form.guidance_ids.choices = options((page_id, title) for page_id, title in pages)
    return form


def fill_from(form: TrainingForm, training: Training) -> None:
    for name in ("title", "slug", "provider", "kind", "format", "language", "audience", "timezone", "starts_at",
                 "ends_at", "registration_deadline", "location", "capacity", "description"):
        form[name].data = getattr(training, name)
    form.tool_ids.data = [t.id for t in training.tools]
    form.guidance_ids.data = [p.id for p in training.guidance]
    form.version.data = str(training.version)
