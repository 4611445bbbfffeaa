"""Scores for a set of answers: pure functions of the questionnaire and the answers, with no I/O.

- A principle's score is the mean of its answers divided by the top of the scale (4), as a whole percent.
- The overall score is the mean of the principle scores (as shown, i.e. already rounded), as a whole percent.
- Halves round up (62.5 → 63), computed with exact fractions so that no float error moves a score.
- A principle's level: below 40 "early", 40 to 69 "developing", 70 and above "established".

Questions left unanswered do not count; a principle with no answers at all has no score and is left out of the
overall score. (The questionnaire page refuses missing answers, so this only matters for assessments saved under an
earlier version of the questionnaire.)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from math import floor
from typing import Any

from catalogue.assessment.questionnaire import MAX_ANSWER, Questionnaire

LEVELS = ("early", "developing", "established")
DEVELOPING_FROM = 40
ESTABLISHED_FROM = 70
#: Answers at or below these values get the question's recommendation.
WEAK_UP_TO = 1
PARTIAL_UP_TO = 2


@dataclass(frozen=True)
class PrincipleScore:
    slug: str
    score: int | None
    level: str | None
    answered: int
    questions: int


@dataclass(frozen=True)
class Scores:
    overall: int | None
    level: str | None
    principles: tuple[PrincipleScore, ...]

    def of(self, slug: str) -> PrincipleScore | None:
        return next((p for p in self.principles if p.slug == slug), None)

    def to_json(self) -> dict[str, Any]:
        return {"overall": self.overall, "level": self.level,
                "principles": {p.slug: {"score": p.score, "level": p.level, "answered": p.answered,
                                        "questions": p.questions} for p in self.principles}}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Scores:
        """Scores as stored with a saved assessment (they keep the figures the member saw at the time)."""
        principles = data.get("principles") or {}
        return cls(overall=data.get("overall"), level=data.get("level"), principles=tuple(
            PrincipleScore(slug=slug, score=value.get("score"), level=value.get("level"),
                           answered=value.get("answered", 0), questions=value.get("questions", 0))
            for slug, value in principles.items()))


def round_half_up(value: Fraction) -> int:
    return floor(value + Fraction(1, 2))


def level_for(score: int | None) -> str | None:
    if score is None:
        return None
    if score >= ESTABLISHED_FROM:
        return "established"
    return "developing" if score >= DEVELOPING_FROM else "early"


def percent(answers: Iterable[int]) -> int | None:
    values = list(answers)
    if not values:
        return None
    return round_half_up(Fraction(sum(values) * 100, len(values) * MAX_ANSWER))


def mean_percent(scores: Iterable[int]) -> int | None:
    values = list(scores)
    return round_half_up(Fraction(sum(values), len(values))) if values else None


def score(questionnaire: Questionnaire, answers: Mapping[str, int]) -> Scores:
    """Scores for ``answers`` (``{question id: 0..4}``); ids the questionnaire does not know are ignored."""
    principles = []
    for principle in questionnaire.principles:
        given = [answers[q.id] for q in principle.questions if q.id in answers]
        value = percent(given)
        principles.append(PrincipleScore(slug=principle.slug, score=value, level=level_for(value),
                                         answered=len(given), questions=len(principle.questions)))
    overall = mean_percent(p.score for p in principles if p.score is not None)
    return Scores(overall=overall, level=level_for(overall), principles=tuple(principles))


def strength(answer: int | None) -> str | None:
    """"weak" (0–1) and "partial" (2) answers get the question's recommendation; others none."""
    if answer is None:
        return None
    if answer <= WEAK_UP_TO:
        return "weak"
    return "partial" if answer <= PARTIAL_UP_TO else None
