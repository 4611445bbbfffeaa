"""Form pieces every feature uses: the checkbox list, field checks, the versioned form and the language choices."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

import pycountry
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from catalogue import sources
from catalogue.choices import options
from catalogue.languages.formatting import number, sorted_choices
from catalogue.rows import MAX_ID, whole_number
from catalogue.templating import language_name

MARKDOWN_LIMIT = 50_000
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
DOMAIN = re.compile(rf"@?{_LABEL}(?:\.{_LABEL})+")


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def web_address(_form, field) -> None:
    if not field.data:
        return
    parts = urlsplit(field.data.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(_l("Give a web address starting with http:// or https://, "
                                 "for example https://tool.example."))


def markdown_length(_form, field) -> None:
    if field.data and len(field.data) > MARKDOWN_LIMIT:
        raise ValidationError(_l("This text is %(length)s characters long; at most %(limit)s are allowed. "
                                 "Shorten it or link to a longer document.",
                                 length=f"{len(field.data):,}", limit=f"{MARKDOWN_LIMIT:,}"))


def plausible_date(_form, field) -> None:
    if field.data and not 2000 <= field.data.year <= 2999:
        raise ValidationError(_l("Give a date between the years 2000 and 2999."))


def is_domain(text: str) -> bool:
    """An e-mail domain as agencies register them (``police.example`` or ``@police.example``)."""
    return bool(DOMAIN.fullmatch(text.lower()))


def language_choices() -> list[tuple[str, str]]:
    codes = {lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2")}
    return sorted_choices((code, language_name(code)) for code in codes)


class WholeNumberField(IntegerField):
    """WTForms' ``IntegerField`` reads ``١٢`` as 12 and any number of digits, which a query then fails on: this one
    takes ASCII digits between ``low`` and ``high`` (see ``rows.whole_number``) and says what it wants otherwise."""

    def __init__(self, label=None, validators=None, low: int = 0, high: int = MAX_ID, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.low, self.high = low, high

    def process_formdata(self, valuelist) -> None:
        if not valuelist or valuelist[0] == "":
            return
        self.data = whole_number(valuelist[0].strip(), self.low, self.high)
        if self.data is None:
            raise ValueError(_l("Give a whole number from %(low)s to %(high)s, in the digits 0 to 9.",
                                low=number(self.low), high=number(self.high)))


def plain_line_breaks(formdata):
    """Browsers send a textarea's line breaks as CRLF; entries store LF. Kept as sent, an untouched field differed from
    the stored text (a change to review, a revision, CRs in published text)."""
    if formdata is None or not hasattr(formdata, "items"):
        return formdata
    return MultiDict([(key, value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value)
                      for key, value in formdata.items(multi=True)])


class VersionedForm(FlaskForm):
    """A form that carries the version of the entry it was loaded with (and the editors' text, with plain line
    breaks)."""

    class Meta:
        def wrap_formdata(self, form, formdata):
            return plain_line_breaks(super().wrap_formdata(form, formdata))

    version = HiddenField()

    def loaded_version(self) -> int | None:
        """The version the form was loaded with; None (a conflict, never an error) for anything that is not one."""
        return whole_number(self.version.data)


class EditorForm(VersionedForm):
    """An entry's editor: also carries the version of the proposed change it continues, empty for a new one."""

    change_version = HiddenField()

    def loaded_change_version(self) -> int | None:
        return whole_number(self.change_version.data) if self.change_version.data else None


class SourceForm(Form):
    """One source in the editor. A row left empty is ignored; a row with anything in it needs a title, a reference
    and a kind."""

    title = StringField(_l("Title"), validators=[Optional(), Length(max=sources.TITLE_LIMIT)],
                        description=_l("For example: Product data sheet, version 3."))
    reference = StringField(_l("Web address or reference"),
                            validators=[Optional(), Length(max=sources.REFERENCE_LIMIT)],
                            description=_l("An http:// or https:// address, or a reference in words "
                                           "(a report's number and page, a meeting and its date)."))
    kind = SelectField(_l("Kind"), validators=[Optional()],
                       choices=options([("", _l("Choose a kind")), *sources.KINDS.items()]))
    accessed = DateField(_l("Date accessed (optional)"), validators=[Optional(), plausible_date])

    def is_empty(self) -> bool:
        typed = [self.title.data, self.reference.data, self.kind.data, *(self.accessed.raw_data or [])]
        return self.accessed.data is None and not any(isinstance(v, str) and v.strip() for v in typed)

    def validate(self, extra_validators=None) -> bool:
        if self.is_empty():
            return True
        valid = super().validate(extra_validators)
        for name, message in ((self.title, _l("Give the source a title.")),
                              (self.reference, _l("Give a web address or a reference."))):
            if not (name.data or "").strip():
                name.errors = [*name.errors, message]
                valid = False
        if not self.kind.data:
            self.kind.errors = [*self.kind.errors, _l("Choose what kind of source this is.")]
            valid = False
        if (self.reference.data or "").strip() and (problem := sources.reference_problem(self.reference.data)):
            self.reference.errors = [*self.reference.errors, problem]
            valid = False
        if self.accessed.data and self.accessed.data > date.today():
            self.accessed.errors = [*self.accessed.errors, _l("The date accessed cannot be in the future.")]
            valid = False
        return valid


class SourcesField(FieldList):
    """An entry's sources: the stored ones plus ``BLANK_ROWS`` empty rows to add more (no JavaScript needed)."""

    BLANK_ROWS = 2

    def __init__(self, label=None, **kwargs):
        super().__init__(FormField(SourceForm), label, min_entries=self.BLANK_ROWS,
                         max_entries=sources.MAX_SOURCES, **kwargs)

    def fill(self, items) -> None:
        """Show ``items`` (stored sources) followed by empty rows."""
        while self.entries:
            self.pop_entry()
        for item in sources.normalise(items):
            accessed = item["accessed"]
            self.append_entry({**item, "kind": item["kind"] or "",
                               "accessed": date.fromisoformat(accessed) if _is_iso_date(accessed) else None})
        for _ in range(min(self.BLANK_ROWS, sources.MAX_SOURCES - len(self.entries))):
            self.append_entry()

    def values(self) -> list[dict]:
        return sources.normalise([entry.form.data for entry in self.entries])


def _is_iso_date(text: str | None) -> bool:
    try:
        date.fromisoformat(text or "")
    except ValueError:
        return False
    return True
