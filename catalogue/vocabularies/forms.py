from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Regexp

from catalogue.choices import options
from catalogue.forms import VersionedForm
from catalogue.languages import LANGUAGES
from catalogue.templating import language_name

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"


def stripped(value):
    return value.strip() if isinstance(value, str) else value


class TermForm(FlaskForm):
    label = StringField(_l("Label"), filters=[stripped],
                        validators=[DataRequired(message=_l("Give the term a label.")), Length(max=120)])
    description = TextAreaField(_l("Description"), filters=[stripped], validators=[Length(max=1000)],
                                description=_l("Optional. Shown to curators and in the glossary."))


class AddTermForm(TermForm):
    slug = StringField(
        _l("Address (slug)"), filters=[stripped],
        validators=[DataRequired(message=_l("Give the term an address.")), Length(max=60),
                    Regexp(SLUG, message=_l("Use lower-case letters a–z and digits, with single hyphens between "
                                            "words, for example “risk-assessment”."))],
        description=_l("Used in links and in import and export files; it cannot be changed later."),
    )


class MoveForm(FlaskForm):
    direction = SelectField(choices=options([("up", _l("Up")), ("down", _l("Down"))]), validators=[InputRequired()])


class MergeForm(FlaskForm):
    into = SelectField(_l("Merge into"), validate_choice=False,
                       validators=[InputRequired(message=_l("Choose the term to merge into."))])

    def __init__(self, targets, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.into.choices = options([("", "—"), *((str(t.id), t.label) for t in targets)])


class SynonymGroupForm(VersionedForm):
    phrases = TextAreaField(
        _l("Words and phrases"), validators=[Length(max=4000)],
        description=_l("One per line, as investigators type them or as entries word them: at least two, each at most "
                       "60 characters and five words. Capitals, accents and hyphens do not matter."),
    )
    language = SelectField(
        _l("Readers"), validate_choice=True,
        description=_l("Whose searches use the group: readers of every interface language, or of one only (for "
                       "words that mean something else in other languages)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = options([("", _l("Every language")),
                                         *((code, language_name(code)) for code in LANGUAGES)])

    def chosen_language(self) -> str | None:
        return self.language.data or None


class DeleteSynonymGroupForm(VersionedForm):
    pass
