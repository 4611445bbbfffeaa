from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Regexp

from catalogue.choices import options

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
