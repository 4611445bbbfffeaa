"""Saving, finding, comparing and deleting a member's own assessments.

Every look-up goes through ``own_assessment``: an assessment that is not the signed-in member's answers 404, for
curators and administrators as well, so nobody can even learn that it exists. Nothing here writes the audit log:
answers and scores are private, and so is the fact that someone saved, compared or deleted an assessment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from werkzeug.exceptions import NotFound

from catalogue.assessment import scoring
from catalogue.assessment.questionnaire import Questionnaire
from catalogue.extensions import db
from catalogue.models import Assessment, User
from catalogue.rows import get_row


def my_assessments(user: User) -> list[Assessment]:
    """The member's saved assessments, newest first."""
    return list(db.session.scalars(select(Assessment).where(Assessment.user_id == user.id)
                                   .order_by(Assessment.created_at.desc(), Assessment.id.desc())))


def own_assessment(user: User, assessment_id: int) -> Assessment:
    assessment = get_row(Assessment, assessment_id)
    if assessment is None or assessment.user_id != user.id:
        raise NotFound()
    return assessment


def save_assessment(user: User, name: str, answers: Mapping[str, int], questionnaire: Questionnaire) -> Assessment:
    """Store the answers with the scores they give now, so the saved result never changes afterwards."""
    assessment = Assessment(user_id=user.id, name=name or "", questionnaire_version=questionnaire.version,
                            answers=dict(answers), scores=scoring.score(questionnaire, answers).to_json())
    db.session.add(assessment)
    db.session.commit()
    return assessment


def delete_assessment(user: User, assessment_id: int) -> Assessment:
    assessment = own_assessment(user, assessment_id)
    db.session.delete(assessment)
    db.session.commit()
    return assessment


@dataclass(frozen=True)
class Pair:
    earlier: Assessment
    later: Assessment


def own_pair(user: User, first_id: int, second_id: int) -> Pair:
    """Two of the member's assessments, the earlier one first (whatever order they were chosen in)."""
    first, second = own_assessment(user, first_id), own_assessment(user, second_id)
    earlier, later = sorted((first, second), key=lambda a: (a.created_at, a.id))
    return Pair(earlier, later)
