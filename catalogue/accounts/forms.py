"""Account forms. Secrets are never echoed back into a re-rendered form (WTForms' PasswordField does not)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional, ValidationError

from catalogue import times
from catalogue.accounts import passwords
from catalogue.choices import options
from catalogue.forms import is_domain, language_choices
from catalogue.labels import AGENCY_KINDS
from catalogue.templating import country_choices


def address(value: str | None) -> str | None:
    """E-mail addresses and domains are compared in lower case, so they are checked (and limited) in lower case."""
    return value.strip().lower() if isinstance(value, str) else value


class SignInForm(FlaskForm):
    email = EmailField(_l("Official e-mail address"), filters=[address], validators=[InputRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=passwords.MAX_LENGTH)])


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code"),
        description=_l("The 6-digit code from your authenticator app, or one of your recovery codes."),
        validators=[InputRequired(), Length(max=32)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "off"},
    )


class NewPasswordMixin:
    """A new password typed twice and checked against the policy; subclasses say whose e-mail and name to avoid."""

    def policy_context(self) -> tuple[str, str]:
        return "", ""

    def validate_password(self, field) -> None:
        problems = passwords.problems(field.data or "", *self.policy_context())
        if problems:
            raise ValidationError(problems[0])


def new_password_fields():
    return (
        PasswordField(
            _l("New password"),
            description=_l("At least 12 characters. A few unrelated words are easy to remember and hard to guess."),
            validators=[InputRequired(), Length(max=passwords.MAX_LENGTH)],
            render_kw={"autocomplete": "new-password"},
        ),
        PasswordField(
            _l("Repeat the new password"),
            validators=[InputRequired(), EqualTo("password", message=_l("The two passwords are not the same."))],
            render_kw={"autocomplete": "new-password"},
        ),
    )


class RegistrationForm(NewPasswordMixin, FlaskForm):
    name = StringField(_l("Full name"), validators=[InputRequired(), Length(max=120)],
                       render_kw={"autocomplete": "name"})
    email = EmailField(
        _l("Official e-mail address"),
        description=_l("Use the address your agency gave you; we check it against your agency's domains."),
        filters=[address],
        validators=[InputRequired(), Length(max=254), Email(message=_l("Enter a valid e-mail address."))],
        render_kw={"autocomplete": "email"},
    )
    password, confirm = new_password_fields()
    agency_name = StringField(_l("Name of your agency"), validators=[InputRequired(), Length(max=200)],
                              description=_l("Its official name, for example “National Police, Online Child "
                                             "Protection Unit”."),
                              render_kw={"autocomplete": "organization"})
    agency_domain = StringField(_l("Your agency's e-mail domain"), filters=[address],
                                validators=[Optional(), Length(max=120)],
                                description=_l("The part of your agency's addresses after @, for example "
                                               "police.example. Leave it empty if it is the one of your address."))
    agency_country = SelectField(_l("Country of your agency"), validators=[InputRequired()])
    agency_kind = SelectField(_l("Type of agency"), validators=[InputRequired()],
                              choices=options([("", "—"), *AGENCY_KINDS.items()]))
    position = StringField(_l("Position"), validators=[InputRequired(), Length(max=120)],
                           description=_l("Your role or unit, for example “Victim identification analyst”."))
    justification = TextAreaField(
        _l("Why do you need access?"),
        description=_l("Tell the administrators how you will use the catalogue in your work."),
        validators=[InputRequired(), Length(min=20, max=2000, message=_l(
            "Write at least 20 and at most 2,000 characters, so the administrators can judge your application."))],
    )
    accept_terms = BooleanField(_l("I accept the terms of use."),
                                validators=[InputRequired(message=_l("You need to accept the terms of use."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency_country.choices = options([("", "—"), *country_choices()])

    def policy_context(self) -> tuple[str, str]:
        return self.email.data or "", self.name.data or ""

    def validate_agency_domain(self, field) -> None:
        if field.data and not is_domain(field.data):
            raise ValidationError(_("“%(domain)s” is not a domain name.", domain=field.data))

    def described_agency(self) -> dict:
        """The agency as the applicant describes it; the service matches it with the member agencies."""
        return {
            "name": " ".join(self.agency_name.data.split()),
            "country": self.agency_country.data,
            "kind": self.agency_kind.data,
            "domain": (self.agency_domain.data or "").strip().lower().lstrip("@"),
        }


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("Official e-mail address"), filters=[address], validators=[InputRequired(), Length(max=254)])


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    password, confirm = new_password_fields()

    def __init__(self, email: str, name: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = (email, name)

    def policy_context(self) -> tuple[str, str]:
        return self.owner


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current = PasswordField(_l("Current password"), validators=[InputRequired(), Length(max=passwords.MAX_LENGTH)],
                            render_kw={"autocomplete": "current-password"})
    password, confirm = new_password_fields()

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def policy_context(self) -> tuple[str, str]:
        return self.user.email, self.user.name


class ConfirmPasswordForm(FlaskForm):
    """Re-entering the password before turning the second factor off or replacing recovery codes."""

    password = PasswordField(_l("Your password"), validators=[InputRequired(), Length(max=passwords.MAX_LENGTH)],
                             render_kw={"autocomplete": "current-password"})


class EmptyForm(FlaskForm):
    """Only a CSRF token, for buttons such as sign out."""


class ContactDetailsForm(FlaskForm):
    """What the agency directory shows about a point of contact, so colleagues abroad know how and when to write."""

    languages = SelectMultipleField(_l("Languages you work in"), validators=[Optional()],
                                    description=_l("Hold Ctrl (or Cmd) to choose several."))
    time_zone = SelectField(_l("Your time zone"), validators=[Optional()], validate_choice=False,
                            description=_l("Where you work, as region/city. The directory shows its current offset "
                                           "from UTC."))
    office_hours = StringField(_l("Office hours"), validators=[Optional(), Length(max=200)],
                               description=_l("When you usually answer, in your local time, for example "
                                              "“Mon–Fri 08:00–16:00”."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.languages.choices = options(language_choices())
        zones = list(times.offered_zones())
        if self.time_zone.data and times.is_known_zone(self.time_zone.data) and self.time_zone.data not in zones:
            zones.append(self.time_zone.data)  # an older name (US/Eastern) stays selectable
        self.time_zone.choices = options([("", _l("Not stated")), *((zone, zone) for zone in zones)])

    def validate_time_zone(self, field) -> None:
        if field.data and not times.is_known_zone(field.data):
            raise ValidationError(_("“%(zone)s” is not a time zone we know. Choose one from the list.",
                                    zone=field.data[:64]))  # not lazy: lazy strings count as safe HTML


class ApiTokenForm(FlaskForm):
    """A new personal access token for the API: a name to recognise it by, how long it lives, whether it may curate."""

    name = StringField(_l("Token name"), description=_l("What the token is for, e.g. “procurement system”."),
                       validators=[InputRequired(), Length(max=100)])
    days = SelectField(_l("Expires after"), coerce=int, default=90,
                       choices=[SelectChoice(30, _l("30 days")), SelectChoice(90, _l("90 days")),
                                SelectChoice(180, _l("180 days")), SelectChoice(365, _l("1 year"))])
    curate = BooleanField(_l("Also allow curating: create drafts, propose changes and submit them for review"))
