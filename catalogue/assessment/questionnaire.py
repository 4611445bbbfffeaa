"""The readiness questionnaire as data: read from ``catalogue/data/assessment.json`` and checked once, at start-up.

A file that does not match what the pages and the scoring expect raises ``QuestionnaireError`` when the app is
created (and so in every test run), never in the middle of a request.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from flask import current_app, url_for

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "assessment.json"

#: The five principles of responsible AI innovation for law enforcement, in the order the pages show them.
PRINCIPLE_SLUGS = ("lawfulness", "minimisation-of-harm", "human-autonomy", "fairness", "good-governance")
SCALE_VALUES = (0, 1, 2, 3, 4)
MAX_ANSWER = SCALE_VALUES[-1]
MIN_QUESTIONS_PER_PRINCIPLE = 6
QUESTION_ID = re.compile(r"^[a-z]+-[0-9]+$")
GUIDANCE_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class QuestionnaireError(ValueError):
    """The questionnaire file is malformed; the message says where."""


@dataclass(frozen=True)
class ScalePoint:
    value: int
    label: str
    description: str


@dataclass(frozen=True)
class Question:
    id: str
    principle: str
    text: str
    help: str
    recommendation: str
    guidance: tuple[str, ...]


@dataclass(frozen=True)
class Principle:
    slug: str
    label: str
    description: str
    guidance: tuple[str, ...]
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Questionnaire:
    version: str
    scale: tuple[ScalePoint, ...]
    principles: tuple[Principle, ...]
    guidance_titles: dict[str, str]

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for p in self.principles for q in p.questions)

    def question(self, question_id: str) -> Question | None:
        return self._questions_by_id.get(question_id)

    def principle(self, slug: str) -> Principle | None:
        return next((p for p in self.principles if p.slug == slug), None)

    def scale_label(self, value: int | None) -> str:
        return next((point.label for point in self.scale if point.value == value), "")

    @cached_property
    def _questions_by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}


def load(path: Path | None = None) -> Questionnaire:
    """Read and check the questionnaire file; raises ``QuestionnaireError`` naming the first problem found."""
    path = path or DATA_FILE
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise QuestionnaireError(f"{path}: cannot be read as JSON ({error})") from error
    return parse(data, str(path))


def parse(data: Any, where: str = "questionnaire") -> Questionnaire:
    if not isinstance(data, dict):
        raise QuestionnaireError(f"{where}: the top level must be an object")
    version = _text(data, "version", where)
    scale = _scale(data.get("scale"), where)
    guidance_titles = _guidance_titles(data.get("guidance"), where)
    raw_principles = data.get("principles")
    if not isinstance(raw_principles, list):
        raise QuestionnaireError(f"{where}: 'principles' must be a list")
    slugs = [p.get("slug") if isinstance(p, dict) else None for p in raw_principles]
    if tuple(slugs) != PRINCIPLE_SLUGS:
        raise QuestionnaireError(f"{where}: the principles must be exactly {', '.join(PRINCIPLE_SLUGS)} in this "
                                 f"order, not {slugs}")
    seen: set[str] = set()
    principles = tuple(_principle(p, f"{where}: principle {p['slug']}", guidance_titles, seen)
                       for p in raw_principles)
    return Questionnaire(version=version, scale=scale, principles=principles, guidance_titles=guidance_titles)


def _text(data: dict, key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise QuestionnaireError(f"{where}: '{key}' must be a non-empty text")
    return value.strip()


def _scale(raw: Any, where: str) -> tuple[ScalePoint, ...]:
    if not isinstance(raw, list) or not all(isinstance(point, dict) for point in raw):
        raise QuestionnaireError(f"{where}: 'scale' must be a list of objects")
    values = tuple(point.get("value") for point in raw)
    if values != SCALE_VALUES:
        raise QuestionnaireError(f"{where}: the scale values must be {list(SCALE_VALUES)}, not {list(values)}")
    return tuple(ScalePoint(point["value"], _text(point, "label", f"{where}: scale {point['value']}"),
                            _text(point, "description", f"{where}: scale {point['value']}")) for point in raw)


def _guidance_titles(raw: Any, where: str) -> dict[str, str]:
    if not isinstance(raw, list) or not all(isinstance(page, dict) for page in raw):
        raise QuestionnaireError(f"{where}: 'guidance' must be a list of {{slug, title}} objects")
    titles: dict[str, str] = {}
    for page in raw:
        slug = _text(page, "slug", f"{where}: guidance")
        if not GUIDANCE_SLUG.match(slug) or slug in titles:
            raise QuestionnaireError(f"{where}: guidance slug {slug!r} is malformed or listed twice")
        titles[slug] = _text(page, "title", f"{where}: guidance {slug}")
    return titles


def _guidance(raw: Any, where: str, known: dict[str, str]) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(slug, str) for slug in raw):
        raise QuestionnaireError(f"{where}: 'guidance' must be a list of page slugs")
    unknown = [slug for slug in raw if slug not in known]
    if unknown:
        raise QuestionnaireError(f"{where}: guidance {unknown} is not declared in the top-level 'guidance' list")
    return tuple(dict.fromkeys(raw))


def _principle(raw: dict, where: str, known: dict[str, str], seen: set[str]) -> Principle:
    questions = raw.get("questions")
    if not isinstance(questions, list) or len(questions) < MIN_QUESTIONS_PER_PRINCIPLE:
        raise QuestionnaireError(f"{where}: needs at least {MIN_QUESTIONS_PER_PRINCIPLE} questions")
    parsed = []
    for item in questions:
        if not isinstance(item, dict):
            raise QuestionnaireError(f"{where}: every question must be an object")
        question_id = _text(item, "id", where)
        if not QUESTION_ID.match(question_id) or question_id in seen:
            raise QuestionnaireError(f"{where}: question id {question_id!r} is malformed (use e.g. 'law-1') or "
                                     "used twice")
        seen.add(question_id)
        here = f"{where}, question {question_id}"
        parsed.append(Question(id=question_id, principle=raw["slug"], text=_text(item, "text", here),
                               help=_text(item, "help", here), recommendation=_text(item, "recommendation", here),
                               guidance=_guidance(item.get("guidance"), here, known)))
    return Principle(slug=raw["slug"], label=_text(raw, "label", where), description=_text(raw, "description", where),
                     guidance=_guidance(raw.get("guidance"), where, known), questions=tuple(parsed))


def init_app(app) -> None:
    """Load the questionnaire once per app, so a malformed file stops the app from starting."""
    app.extensions["assessment_questionnaire"] = load()


def current() -> Questionnaire:
    return current_app.extensions["assessment_questionnaire"]


def guidance_url(slug: str) -> str:
    """The one place the assessment links a guidance page."""
    return url_for("guidance.page", slug=slug)
