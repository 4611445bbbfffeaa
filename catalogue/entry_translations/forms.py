"""The translation form: one text box per translated field, with the original's limits."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, StopValidation

from catalogue.entry_translations.kinds import Translated
from catalogue.forms import EditorForm, markdown_length


class DeleteForm(EditorForm):
    """Deleting carries the versions too: a translation (or its proposed change) changed since the page was loaded is
    not deleted."""


class TranslationForm(EditorForm):
    def values(self) -> dict[str, str]:
        return {name: self[name].data or "" for name in self.translated_fields}


def required_where_original_has_text(form, field) -> None:
    """An empty field is an error when the original has text there; otherwise it needs no further checks."""
    if not (field.data or "").strip():
        if form.originals.get(field.name):
            raise StopValidation(_l("Translate this text too: the English original has it."))
        raise StopValidation()


def translation_form(described: Translated, originals: dict[str, str], **kwargs) -> TranslationForm:
    """A form for ``described``'s fields. A field is required when the original has text in it, and may be at most
    as long as the original's field allows."""

    class Form(TranslationForm):
        pass

    hints = {"summary": _l("Plain text, at most 300 characters, shown in lists and search results."),
             "title": _l("Plain text, at most 200 characters.")}
    for name in described.fields:
        label = described.kind.content.FIELD_LABELS[name]
        limit = described.limits[name]
        validators = [required_where_original_has_text]
        if limit:
            validators.append(Length(max=limit))
            field = (StringField if name == "title" else TextAreaField)(label, validators=validators,
                                                                        description=hints.get(name))
        else:
            validators.append(markdown_length)
            field = TextAreaField(label, validators=validators,
                                  description=_l("Markdown, as in the original: keep its headings, lists and links."))
        setattr(Form, name, field)
    Form.translated_fields = described.fields
    form = Form(**kwargs)
    form.originals = originals
    return form
