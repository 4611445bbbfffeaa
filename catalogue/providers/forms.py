"""Forms of the providers' pages and of the curators' verification requests."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, StringField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional

from catalogue.accounts.forms import NewPasswordMixin, address, new_password_fields
from catalogue.forms import SourcesField, VersionedForm, web_address
from catalogue.models.providers import ANSWER_MAX, QUESTION_MAX
from catalogue.providers.services import DESCRIPTION_MAX, NAME_MAX, NOTE_MAX, SUMMARY_MAX, WEBSITE_MAX


def _limit(maximum: int):
    return Length(max=maximum, message=_l("Write at most %(max)s characters.", max=f"{maximum:,}"))


class ProviderRegistrationForm(NewPasswordMixin, FlaskForm):
    name = StringField(_l("Full name"), validators=[InputRequired(), _limit(120)], render_kw={"autocomplete": "name"})
    email = EmailField(
        _l("Work e-mail address"),
        description=_l("An address of your organisation's own domain; we check it against your tools' websites."),
        filters=[address],
        validators=[InputRequired(), Length(max=254), Email(message=_l("Enter a valid e-mail address."))],
        render_kw={"autocomplete": "email"},
    )
    password, confirm = new_password_fields()
    organisation = StringField(_l("Your organisation"), validators=[InputRequired(), _limit(NAME_MAX)],
                               description=_l("As the catalogue's entries name it, for example “Example Forensics "
                                              "Ltd”."),
                               render_kw={"autocomplete": "organization"})
    position = StringField(_l("Position"), validators=[InputRequired(), _limit(120)])
    justification = TextAreaField(
        _l("Which tools do you speak for?"),
        description=_l("Name your organisation's tools and your role in keeping their information current."),
        validators=[InputRequired(), Length(min=20, max=2000, message=_l(
            "Write at least 20 and at most 2,000 characters, so the administrators can judge your application."))],
    )
    accept_terms = BooleanField(_l("I accept the terms of engagement for technology providers."), validators=[
        InputRequired(message=_l("You need to accept the terms of engagement for technology providers."))])
    accept_notice = BooleanField(_l("I have read the data-protection notice."), validators=[
        InputRequired(message=_l("You need to read the data-protection notice."))])

    def policy_context(self) -> tuple[str, str]:
        return self.email.data or "", self.name.data or ""


class EntryFields(VersionedForm):
    summary = TextAreaField(_l("Summary"), validators=[InputRequired(), _limit(SUMMARY_MAX)],
                            description=_l("One or two sentences: what the tool does for an investigator."))
    description = TextAreaField(_l("Description"), validators=[Optional(), _limit(DESCRIPTION_MAX)],
                                description=_l("Facts an investigator can check. Markdown is allowed."))
    website = StringField(_l("Website"), validators=[Optional(), _limit(WEBSITE_MAX), web_address])
    note = TextAreaField(_l("What changed, and why"), validators=[Optional(), _limit(NOTE_MAX)],
                         description=_l("For the curators who review it; readers do not see it."))
    sources = SourcesField(_l("Sources"))


class UpdateForm(EntryFields):
    pass


class NewEntryForm(EntryFields):
    name = StringField(_l("Name of the tool"), validators=[InputRequired(), _limit(NAME_MAX)])


class AnswerForm(FlaskForm):
    confirmed = RadioField(_l("Are the facts right as published?"), validators=[InputRequired(message=_l(
        "Say whether the facts are right."))], choices=[
        ("yes", _l("Yes, the entry is right as published.")),
        ("no", _l("No: I explain below, and propose a change to the entry.")),
    ])
    answer = TextAreaField(_l("Your answer"), validators=[Optional(), _limit(ANSWER_MAX)])


class AskForm(FlaskForm):
    question = TextAreaField(_l("What should the provider confirm?"), validators=[
        InputRequired(message=_l("Write what the provider should confirm.")), _limit(QUESTION_MAX)])


class DecideForm(FlaskForm):
    """Only a CSRF token: accept or close a provider's answer."""
