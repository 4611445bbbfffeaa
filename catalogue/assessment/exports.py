"""An assessment as a CSV or JSON file, the same for a saved one and for one only posted (nothing stored)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from catalogue.assessment.questionnaire import Questionnaire
from catalogue.assessment.scoring import Scores, strength
from catalogue.spreadsheets import spreadsheet_safe

FORMAT_NAME = "readiness-self-assessment"
FORMAT_VERSION = 1
CSV_COLUMNS = ("kind", "principle", "id", "text", "answer", "answer_label", "score_percent", "level",
               "recommendation")


def as_document(questionnaire: Questionnaire, name: str, answers: Mapping[str, int], scores: Scores,
                created_at: datetime | None = None, version: str | None = None) -> dict[str, Any]:
    """The whole assessment as plain data: scores per principle and every answer with its recommendation."""
    principles = []
    for principle in questionnaire.principles:
        score = scores.of(principle.slug)
        principles.append({
            "slug": principle.slug,
            "label": principle.label,
            "score_percent": score.score if score else None,
            "level": score.level if score else None,
            "answers": [{
                "id": q.id,
                "question": q.text,
                "answer": answers.get(q.id),
                "answer_label": questionnaire.scale_label(answers.get(q.id)) or None,
                "recommendation": q.recommendation if strength(answers.get(q.id)) else None,
            } for q in principle.questions],
        })
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "questionnaire_version": version or questionnaire.version,
        "name": name,
        "created_at": created_at.isoformat() + "Z" if created_at else None,
        "overall": {"score_percent": scores.overall, "level": scores.level},
        "principles": principles,
    }


def as_json(document: Mapping[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def as_csv(document: Mapping[str, Any]) -> str:
    """One row for the whole assessment, one per principle, one per question (``kind`` says which)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    overall = document["overall"]
    rows: list[tuple[Any, ...]] = [("assessment", "", document["questionnaire_version"], document["name"], "", "",
                                    overall["score_percent"], overall["level"], "")]
    for principle in document["principles"]:
        rows.append(("principle", principle["slug"], "", principle["label"], "", "", principle["score_percent"],
                     principle["level"], ""))
        rows.extend(("question", principle["slug"], answer["id"], answer["question"], answer["answer"],
                     answer["answer_label"], "", "", answer["recommendation"]) for answer in principle["answers"])
    for row in rows:
        writer.writerow([spreadsheet_safe("" if value is None else str(value)) for value in row])
    return out.getvalue()


def filename(extension: str, created_at: datetime | None, assessment_id: int | None = None) -> str:
    stem = f"readiness-self-assessment-{assessment_id}" if assessment_id else "readiness-self-assessment"
    return f"{stem}-{created_at:%Y-%m-%d}.{extension}" if created_at else f"{stem}.{extension}"
