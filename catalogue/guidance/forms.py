"""The guidance editor: the same versioned form and Markdown rules as the tool editor."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import Field, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from catalogue.choices import options
from catalogue.extensions import db
from catalogue.forms import SLUG_PATTERN, CheckboxListField, EditorForm, SourcesField, markdown_length
from catalogue.guidance.content import TOPIC_LABELS, VOCABULARIES
from catalogue.languages.formatting import wording
from catalogue.models import GuidancePage, Vocabulary
from catalogue.taxonomy import current_terms


class GuidanceForm(EditorForm):
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=200)])
    slug = StringField(
        _l("Address (slug)"), validators=[Optional(), Length(max=80),
                                          Regexp(SLUG_PATTERN, message=_l("Use lowercase letters, digits and single "
                                                                          "hyphens, for example face-analysis."))],
        description=_l("The last part of the page's web address. Leave empty to make one from the title. "
                       "Changing it breaks links people have saved."))
    topic = SelectField(_l("Topic"), validators=[InputRequired()])
    summary = TextAreaField(_l("Summary"), validators=[InputRequired(), Length(max=300)],
                            description=_l("Plain text, at most 300 characters, shown beside tools and in lists."))
    body = TextAreaField(_l("Text"), validators=[InputRequired(), markdown_length],
                         description=_l("Markdown: **bold**, *italic*, lists, tables, links and ## headings."))
    related = CheckboxListField(_l("Related guidance"), validators=[Optional()])
    sources = SourcesField(_l("Sources"))
    note = StringField(_l("Change note (optional)"), validators=[Optional(), Length(max=500)],
                       description=_l("Say briefly what you changed and why; it is kept in the history."))

    def values(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "title": self.title.data.strip(), "slug": (self.slug.data or "").strip(), "topic": self.topic.data,
            "summary": self.summary.data.strip(), "body": self.body.data or "",
            "related": list(self.related.data or []), "sources": self.sources.values(),
        }
        for name in VOCABULARIES:
            found[name] = list(self[name].data or [])
        return found

    def term_fields(self) -> list[Field]:
        return [self[name] for name in VOCABULARIES if name in self]


def guidance_form(vocabularies: list[Vocabulary], page: GuidancePage | None = None, **kwargs) -> GuidanceForm:
    """A GuidanceForm with a checkbox group per vocabulary a page can apply to."""

    class Form(GuidanceForm):
        pass

    keep = page.terms if page else []
    for vocabulary in vocabularies:
        if vocabulary.slug in VOCABULARIES:
            choices = options((t.slug, wording(t.label)) for t in current_terms(vocabulary, keep))
            if vocabulary.slug == "workflow_steps":
                hint = _l("The workflow page lists this page under each ticked step.")
            else:
                hint = _l("Tools with any of the ticked terms show this page under “Before you use this tool”.")
            setattr(Form, vocabulary.slug, CheckboxListField(wording(vocabulary.label), choices=choices,
                                                             validators=[Optional()], description=hint))
    form = Form(**kwargs)
    form.topic.choices = options([("", _l("Choose a topic")), *TOPIC_LABELS.items()])
    others = select(GuidancePage.slug, GuidancePage.title).where(GuidancePage.status != "archived")
    if page is not None:
        others = others.where(GuidancePage.id != page.id)
    form.related.choices = options(db.session.execute(others.order_by(GuidancePage.title)).all())
    return form


def fill_from(form: GuidanceForm, page: GuidancePage) -> None:
    for name in ("title", "slug", "topic", "summary", "body"):
        form[name].data = getattr(page, name) or ""
    form.related.data = [other.slug for other in page.related]
    form.sources.fill(page.sources)
    for field in form.term_fields():
        field.data = [t.slug for t in page.terms_in(field.name)]
    form.version.data = str(page.version)
