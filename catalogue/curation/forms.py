"""The editor and the workflow forms. Each carries the version of the entry it was loaded with."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    Field,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from catalogue.choices import options
from catalogue.forms import (
    SLUG_PATTERN,
    CheckboxListField,
    EditorForm,
    SourcesField,
    VersionedForm,
    WholeNumberField,
    language_choices,
    markdown_length,
    web_address,
)
from catalogue.languages.formatting import wording
from catalogue.models import Tool, Vocabulary
from catalogue.taxonomy import TERM_FIELDS, current_terms
from catalogue.templating import country_choices

STATUS_LABELS = {"draft": _l("Draft"), "in_review": _l("In review"), "published": _l("Published"),
                 "archived": _l("Archived"), "stale": _l("Not verified recently")}
ACTION_LABELS = {
    "created": _l("Created"), "edited": _l("Edited"), "submitted": _l("Submitted for review"),
    "approved": _l("Approved and published"), "returned": _l("Returned to draft"), "unpublished": _l("Unpublished"),
    "archived": _l("Archived"), "reopened": _l("Reopened"), "restored": _l("Restored"),
    "verified": _l("Verified again"), "imported": _l("Imported"), "vocabulary": _l("Vocabulary change"),
}
class ToolForm(EditorForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    slug = StringField(
        _l("Address (slug)"), validators=[Optional(), Length(max=80),
                                          Regexp(SLUG_PATTERN, message=_l("Use lowercase letters, digits and single "
                                                                          "hyphens, for example chat-triage."))],
        description=_l("The last part of the entry's web address. Leave empty to make one from the name. "
                       "Changing it breaks links people have saved."))
    organisation = StringField(_l("Organisation"), validators=[InputRequired(), Length(max=200)],
                               description=_l("Who develops or provides the tool."))
    country = SelectField(_l("Country of the organisation"), validators=[Optional()])
    website = StringField(_l("Website"), validators=[Optional(), Length(max=500), web_address])
    summary = TextAreaField(_l("Summary"), validators=[InputRequired(), Length(max=300)],
                            description=_l("Plain text, at most 300 characters, shown in lists and search results."))
    description = TextAreaField(_l("Description"), validators=[markdown_length],
                                description=_l("Markdown: **bold**, *italic*, lists, links and headings."))
    responsible_use = TextAreaField(_l("Responsible use"), validators=[markdown_length],
                                    description=_l("Markdown. What to check before and while using the tool."))
    languages = SelectMultipleField(_l("Interface languages"), validators=[Optional()],
                                    description=_l("Hold Ctrl (or Cmd) to choose several."))
    sources = SourcesField(_l("Sources"))
    note = StringField(_l("Change note (optional)"), validators=[Optional(), Length(max=500)],
                       description=_l("Say briefly what you changed and why; it is kept in the history."))
    not_duplicate = BooleanField(_l("I have checked: this is a different tool. Save it anyway."))

    def values(self) -> dict[str, Any]:
        """The entry's content in snapshot form, for the services."""
        found: dict[str, Any] = {
            "name": self.name.data.strip(), "slug": (self.slug.data or "").strip(),
            "organisation": self.organisation.data.strip(), "country": self.country.data or None,
            "website": (self.website.data or "").strip() or None, "summary": self.summary.data.strip(),
            "description": self.description.data or "", "responsible_use": self.responsible_use.data or "",
            "languages": list(self.languages.data or []), "sources": self.sources.values(),
        }
        for name in TERM_FIELDS:
            if name in self:
                data = self[name].data
                found[name] = list(data or []) if isinstance(data, list) else (data or None)
        return found

    def term_fields(self) -> list[Field]:
        return [self[name] for name in TERM_FIELDS if name in self]


def tool_form(vocabularies: list[Vocabulary], tool: Tool | None = None, **kwargs) -> ToolForm:
    """A ToolForm with one field per vocabulary: checkboxes where several terms are allowed, else a list."""

    class Form(ToolForm):
        pass

    keep = tool.terms if tool else []
    for vocabulary in vocabularies:
        if vocabulary.slug not in TERM_FIELDS:
            continue
        choices = options((t.slug, wording(t.label)) for t in current_terms(vocabulary, keep))
        label, description = wording(vocabulary.label), wording(vocabulary.description)
        if vocabulary.multiple:
            validators = [InputRequired(_l("Choose at least one."))] if vocabulary.slug == "purposes" else []
            field = CheckboxListField(label, choices=choices, validators=validators, description=description)
        else:
            field = SelectField(label, choices=options([("", _l("Not stated"))]) + choices,
                                validators=[Optional()], description=description)
        setattr(Form, vocabulary.slug, field)
    form = Form(**kwargs)
    form.country.choices = options([("", "—"), *country_choices()])
    form.languages.choices = options(language_choices())
    return form


def fill_from(form: ToolForm, tool: Tool) -> None:
    for name in ("name", "slug", "organisation", "website", "summary", "description", "responsible_use"):
        form[name].data = getattr(tool, name) or ""
    form.country.data = tool.country or ""
    form.languages.data = list(tool.languages or [])
    form.sources.fill(tool.sources)
    for field in form.term_fields():
        terms = [t.slug for t in tool.terms_in(field.name)]
        field.data = terms if isinstance(field, SelectMultipleField) else (terms[0] if terms else "")
    form.version.data = str(tool.version)


CHANGE_LABELS = {"edit": _l("Edit"), "restore": _l("Restore an older revision"),
                 "translate": _l("Translation"), "untranslate": _l("Delete a translation")}
CHANGE_STATES = {"open": _l("Waiting for review"), "approved": _l("Approved"), "returned": _l("Returned"),
                 "withdrawn": _l("Withdrawn")}


class NoteForm(VersionedForm):
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])


class ReasonForm(VersionedForm):
    note = TextAreaField(_l("Reason"), validators=[InputRequired(), Length(max=2000)])


class ApproveChangeForm(VersionedForm):
    reverifies = BooleanField(
        _l("This change re-verifies the entry"),
        description=_l("Tick only if you checked the changed facts against the inclusion criteria and their sources "
                       "today. Otherwise “Last verified” keeps its date."))
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])


class ReturnForm(VersionedForm):
    note = TextAreaField(_l("What needs to change"), validators=[InputRequired(), Length(max=5000)],
                         description=_l("The author sees these comments on the entry and on their dashboard."))


class VerificationForm(VersionedForm):
    criteria = CheckboxListField(_l("Inclusion criteria"),
                                 description=_l("Tick each criterion the entry meets. All are needed to publish."))
    sources = TextAreaField(_l("Sources checked"), validators=[InputRequired(), Length(max=5000)],
                            description=_l("One per line: the named documents, web pages or people the information "
                                           "was verified from."))
    verified_on = DateField(_l("Verified on"), validators=[InputRequired()], default=date.today)
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])

    def __init__(self, criteria, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria.choices = options((str(number), str(text)) for number, text in enumerate(criteria, 1))

    def validate_verified_on(self, field) -> None:
        if field.data and field.data > date.today():
            raise ValidationError(_l("The verification date cannot be in the future."))
        if field.data and field.data.year < 2000:
            raise ValidationError(_l("Give a date after the year 2000."))


class CompareForm(FlaskForm):
    class Meta:
        csrf = False

    old = WholeNumberField(validators=[Optional()], low=1)
    new = WholeNumberField(validators=[Optional()], low=1)


class EntriesForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validators=[Optional()])
    q = StringField(_l("Name, address or organisation contains"), validators=[Optional(), Length(max=200)])


class SettingsForm(FlaskForm):
    allow_self_approval = BooleanField(
        _l("Let curators approve entries they submitted themselves"),
        description=_l("For small teams with a single curator. Four-eyes review is safer: leave this off "
                       "when two curators are available."))
