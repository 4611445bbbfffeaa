"""My profile's form, the people directory's GET form, and the introduction request form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import Length, Optional, ValidationError

from catalogue.agencies.forms import FilterSelect, is_country_code, is_language_code, lower, upper
from catalogue.agencies.labels import SPECIALISMS
from catalogue.choices import options
from catalogue.contact import forms as contact_forms
from catalogue.forms import CheckboxListField, WholeNumberField
from catalogue.models.profiles import PROFILE_FIELDS, ROLE_MAX
from catalogue.paging import MAX_PAGE
from catalogue.people.services import PeopleFilters, PeopleOptions, ProfileInput
from catalogue.templating import country_name, language_name

MAX_PROFILE_TOOLS = 50


def shown_field(label):
    return BooleanField(label, false_values=("", "0", "false"))


class ProfileForm(FlaskForm):
    """Publishing is off and every field private until the member says otherwise."""

    published = BooleanField(_l("Publish my profile to other vetted members"),
                             description=_l("Only signed-in, vetted members see it; never visitors, never search "
                                            "engines. Your name, agency and country head it."))
    accepts_introductions = BooleanField(
        _l("I accept introduction requests"),
        description=_l("Members of other agencies may then ask to be introduced to you. Your e-mail address stays "
                       "hidden unless you accept a request."))
    role = StringField(_l("Role or position"), validators=[Optional(), Length(max=ROLE_MAX)],
                       description=_l("For example “Digital forensic examiner”. At most %(max)s characters.",
                                      max=ROLE_MAX))
    show_role = shown_field(_l("Show my role to other members"))
    specialisms = CheckboxListField(_l("Specialisms"), validators=[Optional()])
    show_specialisms = shown_field(_l("Show my specialisms to other members"))
    show_languages = shown_field(_l("Show my languages to other members"))
    tools = CheckboxListField(_l("Tools you have hands-on experience with"), validators=[Optional()],
                              description=_l("Published catalogue tools. Members looking at a tool's page see the "
                                             "officers who know it, if you show this field."))
    show_tools = shown_field(_l("Show my tools to other members"))
    show_time_zone = shown_field(_l("Show my time zone to other members"))

    def validate_tools(self, field) -> bool:
        if len(field.data or []) > MAX_PROFILE_TOOLS:
            raise ValidationError(_l("Choose at most %(max)s tools.", max=MAX_PROFILE_TOOLS))
        return True

    def given(self) -> ProfileInput:
        return ProfileInput(published=bool(self.published.data),
                            accepts_introductions=bool(self.accepts_introductions.data),
                            role=(self.role.data or "").strip(), specialisms=list(self.specialisms.data or []),
                            tools=list(self.tools.data or []),
                            shown={name: bool(self[f"show_{name}"].data) for name in PROFILE_FIELDS})


def profile_form(tools: list[tuple[str, str]], **kwargs) -> ProfileForm:
    form = ProfileForm(**kwargs)
    form.specialisms.choices = options(SPECIALISMS.items())
    form.tools.choices = options(tools)
    for name in ("specialisms", "tools"):
        form[name].pre_validate = _known_choices(form[name])
    return form


def _known_choices(field):
    """A forged choice gets a sentence saying what to do, not WTForms' "not a valid choice"."""
    def check(_form) -> None:
        known = {choice.value for choice in field.choices}
        if any(value not in known for value in field.data or []):
            raise ValidationError(_l("Choose from the list only."))
    return check


class PeopleForm(FlaskForm):
    """Everything is in the query string, so every filtered list is a link that can be shared."""

    class Meta:
        csrf = False

    specialism = FilterSelect(_l("Specialism"))
    language = FilterSelect(_l("Language"), also_valid=is_language_code, filters=[lower])
    country = FilterSelect(_l("Country"), also_valid=is_country_code, filters=[upper])
    tool = FilterSelect(_l("Tool"))
    page = WholeNumberField(validators=[Optional()], low=1, high=MAX_PAGE)

    def filters(self) -> PeopleFilters:
        return PeopleFilters(**{name: "" if self[name].errors else (self[name].data or "")
                                for name in ("specialism", "language", "country", "tool")})

    def page_number(self) -> int:
        return 1 if self.page.errors else self.page.data or 1


FILTERS = ("specialism", "language", "country", "tool")


def people_form(args, known: PeopleOptions, tool_label) -> PeopleForm:
    form = PeopleForm(formdata=args)
    form.specialism.choices = options([("", _l("Any specialism")), *SPECIALISMS.items()])
    form.language.choices = options([("", _l("Any language")), *known.languages])
    form.country.choices = options([("", _l("Any country")), *known.countries])
    form.tool.choices = options([("", _l("Any tool")), *known.tools])
    # A real value nobody shows yet stays selected, so that the empty result explains itself.
    for name, valid, label in (("country", is_country_code, country_name), ("language", is_language_code,
                                                                             language_name), ("tool", None,
                                                                                              tool_label)):
        value = form[name].data
        if value and not any(c.value == value for c in form[name].choices):
            shown = label(value) if (valid is None or valid(value)) else None
            if shown:
                form[name].choices = [*form[name].choices, *options([(value, shown)])]
    return form


class IntroductionForm(contact_forms.RequestForm):
    """The contact request form without the agency: an introduction goes to one person."""

    agency = None


def introduction_form(tools, languages, **kwargs) -> IntroductionForm:
    form = IntroductionForm(**kwargs)
    contact_forms.fill_choices(form, tools, languages)
    return form
