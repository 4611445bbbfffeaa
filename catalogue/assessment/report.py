"""What the result and comparison pages show, worked out from answers and scores (pure: no I/O, no Flask)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from catalogue.assessment.questionnaire import Principle, Question, Questionnaire
from catalogue.assessment.scoring import PrincipleScore, Scores, strength


@dataclass(frozen=True)
class Recommendation:
    question: Question
    answer: int
    strength: str  # "weak" or "partial"


@dataclass(frozen=True)
class PrincipleResult:
    principle: Principle
    score: PrincipleScore | None
    recommendations: tuple[Recommendation, ...]
    guidance: tuple[str, ...]


@dataclass(frozen=True)
class Result:
    questionnaire: Questionnaire
    answers: Mapping[str, int]
    scores: Scores
    weakest_first: tuple[PrincipleResult, ...]

    @property
    def in_order(self) -> tuple[PrincipleResult, ...]:
        """Principles in the questionnaire's order (for the chart and the table)."""
        position = {p.slug: i for i, p in enumerate(self.questionnaire.principles)}
        return tuple(sorted(self.weakest_first, key=lambda r: position[r.principle.slug]))


def build(questionnaire: Questionnaire, answers: Mapping[str, int], scores: Scores) -> Result:
    """The weakest principles first, each with the recommendation of every weak (0–1) or partial (2) answer, the
    weakest answers first, and the guidance pages for the principle and for those questions."""
    results = []
    for position, principle in enumerate(questionnaire.principles):
        recommendations = sorted(
            (Recommendation(q, answers[q.id], strength(answers[q.id]))
             for q in principle.questions if q.id in answers and strength(answers[q.id])),
            key=lambda r: r.answer)
        guidance = (principle.guidance + tuple(slug for r in recommendations for slug in r.question.guidance)
                    if recommendations else ())
        results.append((position, PrincipleResult(principle, scores.of(principle.slug), tuple(recommendations),
                                                  tuple(dict.fromkeys(guidance)))))

    def weakest(item: tuple[int, PrincipleResult]):
        position, result = item
        value = result.score.score if result.score else None
        return (value is None, value if value is not None else 0, position)

    return Result(questionnaire, answers, scores, tuple(result for _, result in sorted(results, key=weakest)))


@dataclass(frozen=True)
class PrincipleChange:
    principle: Principle
    before: int | None
    after: int | None

    @property
    def change(self) -> int | None:
        return None if self.before is None or self.after is None else self.after - self.before


@dataclass(frozen=True)
class QuestionChange:
    question_id: str
    text: str  # empty for a question that the current questionnaire no longer asks
    before: int | None
    after: int | None

    @property
    def change(self) -> int | None:
        return None if self.before is None or self.after is None else self.after - self.before


@dataclass(frozen=True)
class PrincipleComparison:
    principle: PrincipleChange
    questions: tuple[QuestionChange, ...]


@dataclass(frozen=True)
class Comparison:
    overall_before: int | None
    overall_after: int | None
    principles: tuple[PrincipleComparison, ...]
    retired: tuple[QuestionChange, ...]  # answers to questions the current questionnaire no longer has

    @property
    def overall_change(self) -> int | None:
        if self.overall_before is None or self.overall_after is None:
            return None
        return self.overall_after - self.overall_before


def compare(questionnaire: Questionnaire, before: tuple[Mapping[str, int], Scores],
            after: tuple[Mapping[str, int], Scores]) -> Comparison:
    """Per principle and per question: the earlier and the later answer and the change between them."""
    (answers_before, scores_before), (answers_after, scores_after) = before, after
    principles = []
    for principle in questionnaire.principles:
        score_before, score_after = scores_before.of(principle.slug), scores_after.of(principle.slug)
        principles.append(PrincipleComparison(
            PrincipleChange(principle, score_before.score if score_before else None,
                            score_after.score if score_after else None),
            tuple(QuestionChange(q.id, q.text, answers_before.get(q.id), answers_after.get(q.id))
                  for q in principle.questions)))
    known = {q.id for q in questionnaire.questions}
    retired = sorted((set(answers_before) | set(answers_after)) - known)
    return Comparison(scores_before.overall, scores_after.overall, tuple(principles), tuple(
        QuestionChange(question_id, "", answers_before.get(question_id), answers_after.get(question_id))
        for question_id in retired))
