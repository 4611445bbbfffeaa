from __future__ import annotations

from flask_babel import gettext, lazy_pgettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from catalogue import labels
from catalogue.admin.services import parse_domains
from catalogue.agencies.labels import SPECIALISMS
from catalogue.choices import options
from catalogue.forms import CheckboxListField, WholeNumberField, is_domain, language_choices, plausible_date
from catalogue.labels import AGENCY_KINDS, ROLES
from catalogue.paging import MAX_PAGE
from catalogue.templating import country_choices


class ApproveForm(FlaskForm):
    point_of_contact = BooleanField(_l("Make them a point of contact for their agency"))


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("Reason (sent to the applicant)"), validators=[InputRequired(), Length(max=1000)])


class UserForm(FlaskForm):
    role = SelectField(_l("Role"), choices=options((key, label) for key, label in ROLES.items() if key != "pending"))
    point_of_contact = BooleanField(_l("Point of contact for their agency"))
    agency = SelectField(_l("Agency"), validators=[Optional()])

    def __init__(self, agencies, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency.choices = options([("", "—"), *((a.slug, a.name) for a in agencies)])


class DeactivateForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[InputRequired(), Length(max=500)])


class AgencyForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    country = SelectField(_l("Country"), validators=[InputRequired()])
    kind = SelectField(_l("Type"), choices=options(AGENCY_KINDS.items()))
    domains = StringField(
        _l("Official e-mail domains"), validators=[Length(max=1000)],
        description=_l("Separated by spaces or commas, for example police.example unit.police.example"),
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    specialisms = CheckboxListField(_l("Specialisms"), choices=options(SPECIALISMS.items()),
                                    validators=[Optional()],
                                    description=_l("What the agency does; members filter the directory by these."))
    languages = SelectMultipleField(_l("Languages spoken"), validators=[Optional()],
                                    description=_l("Languages in which other agencies can write to it. Hold Ctrl "
                                                   "(or Cmd) to choose several."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = options([("", "—"), *country_choices()])
        self.languages.choices = options(language_choices())

    def validate_domains(self, field) -> None:
        for domain in parse_domains(field.data):
            if not is_domain(domain):
                raise ValidationError(gettext("“%(domain)s” is not a domain name.", domain=domain))


class UnitForm(FlaskForm):
    name = StringField(_l("Name of the unit"), validators=[DataRequired(message=_l("Give the unit a name.")),
                                                           Length(max=200)])
    description = TextAreaField(_l("What the unit does"), validators=[Optional(), Length(max=2000)],
                                description=_l("Plain text, shown on the agency's page in the directory."))


class UserFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Name or e-mail"), validators=[Optional(), Length(max=100)])
    role = SelectField(_l("Role"), choices=options([("", _l("Any role")), *ROLES.items()]), validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()], choices=options([
        ("", _l("Any status")), ("active", _l("Active")), ("deactivated", _l("Deactivated")),
        ("unverified", _l("E-mail not confirmed"))]))
    agency = SelectField(_l("Agency"), validators=[Optional()])
    page = WholeNumberField(validators=[Optional()], low=1, high=MAX_PAGE)

    def __init__(self, agencies, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency.choices = options([("", _l("Any agency")), *((a.slug, a.name) for a in agencies)])


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validators=[Optional()])
    outcome = SelectField(_l("Outcome"), validators=[Optional()])
    actor = StringField(_l("Actor"), validators=[Optional(), Length(max=100)])
    since = DateField(lazy_pgettext("start of a date range", "From"), validators=[Optional(), plausible_date])
    until = DateField(_l("Until"), validators=[Optional(), plausible_date])
    page = WholeNumberField(validators=[Optional()], low=1, high=MAX_PAGE)

    def __init__(self, actions, outcomes, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labelled = sorted(((a, labels.audit_action(a)) for a in actions), key=lambda pair: pair[1].casefold())
        self.action.choices = options([("", _l("Any action")), *labelled])
        self.outcome.choices = options([("", _l("Any outcome")), *((o, labels.audit_outcome(o)) for o in outcomes)])
