"""The directory's GET form and the small forms that record the tools an agency uses."""

from __future__ import annotations

from collections.abc import Callable

import pycountry
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import SearchField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from catalogue.agencies.labels import REGIONS, SPECIALISMS
from catalogue.agencies.services import DirectoryFilters, FilterOptions
from catalogue.choices import options
from catalogue.extensions import db
from catalogue.forms import WholeNumberField
from catalogue.labels import AGENCY_KINDS
from catalogue.models import Tool
from catalogue.models.contact import NOTE_MAX
from catalogue.paging import MAX_PAGE
from catalogue.templating import country_name, language_name

FILTERS = ("country", "region", "kind", "specialism", "language")


class FilterSelect(SelectField):
    """A filter: empty, one of its choices, or (for countries and languages) any code ``also_valid`` accepts.

    Anything else is named in a message saying what to do, instead of WTForms' terse "Not a valid choice".
    """

    def __init__(self, label=None, also_valid: Callable[[str], bool] | None = None, **kwargs):
        super().__init__(label, validators=[Optional()], **kwargs)
        self.also_valid = also_valid

    def known(self, value: str) -> bool:
        return any(choice.value == value for choice in self.choices) or bool(
            self.also_valid and self.also_valid(value))

    def pre_validate(self, form) -> None:
        if self.data and not self.known(self.data):
            # gettext, not the lazy version: Flask-Babel's lazy strings count as safe HTML, and the value is typed
            raise ValidationError(_("“%(value)s” is not one of the choices of this filter. Choose one from the "
                                    "list, or “%(any)s”.", value=self.data[:40], any=self.choices[0].label))


def upper(value):
    return value.upper() if isinstance(value, str) else value


def lower(value):
    return value.lower() if isinstance(value, str) else value


def is_country_code(value: str) -> bool:
    return len(value) == 2 and pycountry.countries.get(alpha_2=value) is not None


def is_language_code(value: str) -> bool:
    return len(value) == 2 and pycountry.languages.get(alpha_2=value) is not None


class DirectoryForm(FlaskForm):
    """Everything is in the query string, so every filtered directory page is a link that can be shared."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search agencies"), validators=[Optional(), Length(max=200)],
                    description=_l("Words from the agency's name, its description or the names of its units."))
    country = FilterSelect(_l("Country"), also_valid=is_country_code, filters=[upper])
    region = FilterSelect(_l("Region"))
    kind = FilterSelect(_l("Type"))
    specialism = FilterSelect(_l("Specialism"))
    language = FilterSelect(_l("Language"), also_valid=is_language_code, filters=[lower])
    page = WholeNumberField(validators=[Optional()], low=1, high=MAX_PAGE)

    def filters(self) -> DirectoryFilters:
        """The filters that are valid; a field with an error filters nothing."""
        return DirectoryFilters(
            q="" if self.q.errors else (self.q.data or "").strip(),
            **{name: "" if self[name].errors else (self[name].data or "") for name in FILTERS})

    def page_number(self) -> int:
        return 1 if self.page.errors else self.page.data or 1


def directory_form(args, known: FilterOptions) -> DirectoryForm:
    form = DirectoryForm(formdata=args)
    form.country.choices = options([("", _l("Any country")), *known.countries])
    form.region.choices = options([("", _l("Any region")), *REGIONS.items()])
    form.kind.choices = options([("", _l("Any type")), *AGENCY_KINDS.items()])
    form.specialism.choices = options([("", _l("Any specialism")), *SPECIALISMS.items()])
    form.language.choices = options([("", _l("Any language")), *known.languages])
    # A real country or language no agency has yet stays selected, so the empty result explains itself.
    for name, valid, label in (("country", is_country_code, country_name), ("language", is_language_code,
                                                                             language_name)):
        value = form[name].data
        if value and valid(value) and not any(c.value == value for c in form[name].choices):
            form[name].choices = [*form[name].choices, *options([(value, label(value))])]
    return form


def published_tool_choices() -> list[tuple[str, str]]:
    query = select(Tool.slug, Tool.name).where(Tool.status == "published").order_by(func.lower(Tool.name))
    return [(slug, name) for slug, name in db.session.execute(query)]


def note_field(label):
    return TextAreaField(label, validators=[Optional(), Length(max=NOTE_MAX)],
                         description=_l("Plain text, at most %(limit)s characters, visible to every member: how the "
                                        "tool works for you, what to watch out for.", limit=NOTE_MAX))


class UsageForm(FlaskForm):
    tool = SelectField(_l("Tool"), validators=[InputRequired(message=_l("Choose a tool from the list."))],
                       invalid_choice_message=_l("That tool is not in the catalogue. Choose one from the list."))
    note = note_field(_l("Note on your experience (optional)"))

    def __init__(self, *args, listed=(), **kwargs):
        super().__init__(*args, **kwargs)
        already = {usage.tool.slug for usage in listed}
        self.tool.choices = options([("", _l("Choose a tool")), *(
            (slug, _("%(name)s (already in the list)", name=name) if slug in already else name)
            for slug, name in published_tool_choices())])


class NoteForm(FlaskForm):
    note = note_field(_l("Note"))
