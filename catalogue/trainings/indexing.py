"""What trainings contribute to the search: found from the catalogue's box by title, provider, audience, kind,
format and description, and listed in their own group."""

from __future__ import annotations

from catalogue.models import Training
from catalogue.search.registry import Searchable, register
from catalogue.search.schema import document_id, joined_forms, timestamp
from catalogue.trainings.labels import FORMAT_LABELS, KIND_LABELS


def training_document(training: Training) -> dict:
    labels = f"{KIND_LABELS.get(training.kind, '')} {FORMAT_LABELS.get(training.format, '')}"
    return {
        "id": document_id("training", training.id),
        "kind": "training",
        "slug": training.slug,
        "version": training.version,
        "name": training.title,
        "name_joined": joined_forms(training.title),
        "summary": training.audience,
        "labels": labels,
        "organisation": training.provider,
        "description": training.description,
        "words": " ".join([training.title, training.audience, labels, training.provider]),
        "name_sort": training.title.casefold(),
        "updated": timestamp(training.updated_at),
    }


def register_with_search() -> None:
    register(Searchable("training", Training, training_document,
                        columns=(Training.title, Training.audience, Training.description)))
