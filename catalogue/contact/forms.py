"""The new-request form, the small forms behind each action on a request, and the inbox's filters."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from catalogue.choices import options
from catalogue.contact.labels import HANDLING_LABELS, KIND_LABELS, STATE_LABELS, URGENCY_LABELS
from catalogue.contact.sending import Draft
from catalogue.forms import CheckboxListField
from catalogue.models.contact import MESSAGE_MAX, REASON_MAX, SUBJECT_MAX


def answer_time_text(hours: int) -> str:
    """"within 7 days" or "within 24 hours", from ``CONTACT_ANSWER_HOURS``."""
    if hours >= 48 and hours % 24 == 0:
        return ngettext("answer expected within %(num)d day", "answer expected within %(num)d days", hours // 24)
    return ngettext("answer expected within %(num)d hour", "answer expected within %(num)d hours", hours)


def urgency_choices() -> list[tuple[str, str]]:
    hours = current_app.config["CONTACT_ANSWER_HOURS"]
    # Translators: an urgency ("Routine", "Urgent") and when an answer is expected ("answer expected within 7 days").
    return [(urgency, _("%(urgency)s: %(answer_time)s", urgency=label, answer_time=answer_time_text(hours[urgency])))
            for urgency, label in URGENCY_LABELS.items()]


class RequestForm(FlaskForm):
    """A new request. Plain text only; there is no file field, and files sent anyway are refused by the view."""

    agency = SelectField(_l("Agency"), validate_choice=False,
                         validators=[InputRequired(_l("Choose the agency the request is for."))],
                         description=_l("Agencies with a point of contact in the catalogue. Requests go to other "
                                        "agencies, not your own."))
    kind = RadioField(_l("Type of request"), validators=[InputRequired(_l("Choose the type of request."))])
    subject = StringField(_l("Subject"), validators=[
        DataRequired(_l("Give the request a subject.")), Length(max=SUBJECT_MAX)],
        description=_l("A short line the receiving agency sees in its inbox. Keep personal data out of it."))
    message = TextAreaField(_l("Message"), validators=[
        DataRequired(_l("Write your request.")), Length(max=MESSAGE_MAX)],
        description=_l("Plain text, at most %(max)s characters. Say what you need, by when, and why.",
                       max=f"{MESSAGE_MAX:,}"))
    urgency = RadioField(_l("Urgency"), default="routine",
                         validators=[InputRequired(_l("Choose how urgent the request is."))])
    handling_code = RadioField(_l("Handling code"),
                               validators=[InputRequired(_l("Choose how the content may be used."))])
    handling_conditions = TextAreaField(
        _l("Conditions (for H3)"), validators=[Optional(), Length(max=REASON_MAX)],
        description=_l("Required with H3: state the restrictions the receiving agency must respect."))
    languages = CheckboxListField(
        _l("Languages you can work in"), validators=[Optional()],
        description=_l("Ticked from your profile. The six UN languages and those the agencies in the directory "
                       "speak."))
    tool = SelectField(_l("Related tool (optional)"), validators=[Optional()])
    confirm = BooleanField(
        _l("I confirm that this request contains no abuse material and only the personal data strictly necessary."),
        validators=[DataRequired(_l("Confirm that the request contains no abuse material and only the personal "
                                    "data strictly necessary."))])

    def validate_handling_conditions(self, field) -> None:
        if self.handling_code.data == "H3" and not (field.data or "").strip():
            raise ValidationError(_l("State the conditions: handling code H3 means other restrictions, stated "
                                     "here."))

    def draft(self) -> Draft:
        agency = self.agency.data if "agency" in self else ""  # an introduction's form has no agency
        return Draft(agency=agency or "", kind=self.kind.data, subject=self.subject.data.strip(),
                     message=self.message.data.strip(), urgency=self.urgency.data,
                     handling_code=self.handling_code.data, handling_conditions=self.handling_conditions.data or "",
                     languages=list(self.languages.data or []), tool=self.tool.data or "")


def request_form(agencies: list[tuple[str, str]], tools: list[tuple[str, str]], languages: list[tuple[str, str]],
                 **kwargs) -> RequestForm:
    form = RequestForm(**kwargs)
    form.agency.choices = options([("", _l("Choose an agency")), *agencies])
    fill_choices(form, tools, languages)
    return form


def fill_choices(form: RequestForm, tools: list[tuple[str, str]], languages: list[tuple[str, str]]) -> None:
    """Every choice but the agency's, shared with the introduction form (``catalogue.people.forms``)."""
    form.kind.choices = options(KIND_LABELS.items())
    form.urgency.choices = options(urgency_choices())
    form.handling_code.choices = options(HANDLING_LABELS.items())
    form.languages.choices = options(languages)
    form.tool.choices = options([("", _l("No related tool")), *tools])


def prefill(form: RequestForm, args, profile_languages: list[str]) -> None:
    """Values from the link that started the request (``?agency=…&tool=…&kind=…``), where they are valid."""
    for name in ("agency", "kind", "tool"):
        value = args.get(name, "") if name in form else ""
        if value and value in {choice.value for choice in form[name].choices}:
            form[name].data = value
    known = {choice.value for choice in form.languages.choices}
    form.languages.data = [code for code in profile_languages or [] if code in known]


class StateForm(FlaskForm):
    """Every action carries the state the page showed, so a change made meanwhile is noticed, not overwritten.
    The service checks the input; the validators here only give the fields their limits in the page."""

    state = HiddenField()


class DeclineForm(StateForm):
    reason = TextAreaField(_l("Reason for declining"), validators=[Length(max=REASON_MAX)],
                           description=_l("Required. The sender sees it."))


class MessageForm(StateForm):
    body = TextAreaField(_l("Your message"), validators=[Length(max=MESSAGE_MAX)],
                         description=_l("Plain text. Everyone on both sides of the request can read it."))


class AssignForm(StateForm):
    assignee = SelectField(_l("Assign to"), validate_choice=False,
                           description=_l("A colleague of your agency, who can then read and answer the request."))


class FilterForm(FlaskForm):
    """The inbox's filters, read from the query string (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    box = HiddenField()
    q = StringField(_l("Search subjects and messages"), validators=[Optional()])
    state = SelectField(_l("State"), validators=[Optional()])
    overdue = BooleanField(_l("Overdue only"), false_values=("", "0"))
    sort = SelectField(_l("Sort by"), validators=[Optional()], choices=[
        ("deadline", _l("Answer expected by, nearest first")), ("newest", _l("Date sent, newest first")),
        ("oldest", _l("Date sent, oldest first"))])


def filter_form(args) -> FilterForm:
    form = FilterForm(formdata=args)
    form.state.choices = options([("", _l("Any state")), *STATE_LABELS.items()])
    return form


def seen_state(form: StateForm) -> str:
    return (form.state.data or "")[:20]
