"""The questionnaire form (one radio group per question, built from the questionnaire) and the small forms around it."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from catalogue.assessment.questionnaire import SCALE_VALUES, Questionnaire
from catalogue.choices import options
from catalogue.languages.formatting import wording
from catalogue.templating import nice_datetime

NAME_LIMIT = 120

LEVEL_LABELS = {"early": _l("Early"), "developing": _l("Developing"), "established": _l("Established")}
STRENGTH_LABELS = {"weak": _l("Weak"), "partial": _l("Partial")}


def scale_value(value: int | str) -> int:
    """A scale value from the form: only the ASCII digits the page sends ("４" or " 4" are refused, not read as 4)."""
    if isinstance(value, int) or value in {str(v) for v in SCALE_VALUES}:
        return int(value)
    raise ValueError(value)


def single_line(value: str | None) -> str | None:
    """Line breaks, tabs and runs of spaces become one space: a name is one line in lists, files and titles."""
    return " ".join(value.split()) if value else value


class AssessmentForm(FlaskForm):
    """The optional name; ``questionnaire_form`` adds one radio group per question, named by the question's id."""

    name = StringField(_l("Name of this assessment (optional)"),
                       description=_l("For example “Cyber unit, before procurement”. Only you will see it."),
                       validators=[Optional(), Length(max=NAME_LIMIT)], filters=[single_line])

    question_ids: tuple[str, ...] = ()

    def answers(self) -> dict[str, int]:
        """Every valid answer given, by question id (also when other answers are missing or refused)."""
        found = {}
        for question_id in self.question_ids:
            field = self[question_id]
            if not field.process_errors and field.data in SCALE_VALUES:
                found[question_id] = field.data
        return found

    def complete(self) -> bool:
        return len(self.answers()) == len(self.question_ids)

    def unanswered(self) -> list[str]:
        return [question_id for question_id in self.question_ids if self[question_id].errors]


def questionnaire_form(questionnaire: Questionnaire, **kwargs) -> AssessmentForm:
    """The form for ``questionnaire``, reading the request's form data. Question ids the questionnaire does not
    know are ignored; a value outside the scale is refused with the question's error, never stored."""
    choices = options((point.value, wording(point.label)) for point in questionnaire.scale)
    fields = {
        q.id: RadioField(q.text, choices=choices, coerce=scale_value, validators=[
            InputRequired(message=_l("Choose one of the five answers."))],
            invalid_value_message=_l("Choose one of the five answers."),
            invalid_choice_message=_l("Choose one of the five answers."))
        for q in questionnaire.questions
    }
    form_class = type("QuestionnaireForm", (AssessmentForm,), {**fields, "question_ids": tuple(fields)})
    return form_class(**kwargs)


class ConfirmForm(FlaskForm):
    """Only the CSRF token: a button that confirms a deletion."""


class CompareForm(FlaskForm):
    """Two of my saved assessments, chosen in a GET form; ownership is checked by the service (404 otherwise)."""

    class Meta:
        csrf = False

    first = SelectField(_l("First assessment"), coerce=int, validate_choice=False,
                        validators=[InputRequired(message=_l("Choose an assessment."))],
                        invalid_value_message=_l("Choose an assessment."))
    second = SelectField(_l("Second assessment"), coerce=int, validate_choice=False,
                         validators=[InputRequired(message=_l("Choose an assessment."))],
                         invalid_value_message=_l("Choose an assessment."))

    def validate_second(self, field) -> None:
        if field.data is not None and field.data == self.first.data:
            raise ValidationError(_l("Choose two different assessments."))


def compare_form(assessments, formdata) -> CompareForm:
    form = CompareForm(formdata=formdata)
    labelled = [(a.id, f"{a.name or _('Untitled assessment')} ({nice_datetime(a.created_at)})") for a in assessments]
    form.first.choices = options(labelled)
    form.second.choices = options(labelled)
    ids = [a.id for a in assessments]  # newest first
    if len(ids) > 1 and form.first.data is None:
        form.first.data = ids[1]
    if len(ids) > 1 and form.second.data is None:
        form.second.data = next(i for i in ids if i != form.first.data)
    return form
