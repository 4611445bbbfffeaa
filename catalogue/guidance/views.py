"""Guidance pages, the investigative workflow and its coverage map."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from catalogue.guidance import services, steps
from catalogue.guidance.content import TOPIC_LABELS
from catalogue.policy import requires
from catalogue.search.groups import search_group
from catalogue.search.query import QueryError
from catalogue.trainings import services as trainings

blueprint = Blueprint("guidance", __name__)


@blueprint.get("/learning")
@requires("catalogue.view")
def centre():
    """The Learning Centre: guidance, the workflow, the self-assessment and trainings in one place."""
    return render_template("guidance/centre.html", topics=services.by_topic(), steps=steps.steps(),
                           trainings=trainings.upcoming(3))


@blueprint.get("/guidance/")
@requires("catalogue.view")
def index():
    topic = request.args.get("topic") if request.args.get("topic") in TOPIC_LABELS else None
    text = request.args.get("q", "")[:200].strip()
    found, error = None, None
    if text:
        try:
            found = search_group(text, "guidance", limit=50)
        except QueryError as problem:
            error = str(problem)
    return render_template("guidance/index.html", topics=services.by_topic(topic), topic=topic, text=text,
                           found=found, error=error, topic_labels=TOPIC_LABELS), 400 if error else 200


@blueprint.get("/guidance/<slug>")
@requires("catalogue.view")
def page(slug: str):
    guidance = services.get_published(slug)
    return render_template("guidance/page.html", page=guidance, tools=services.tools_for(guidance),
                           applies=services.applying_terms(guidance), topic_labels=TOPIC_LABELS,
                           trainings=trainings.upcoming(5, guidance_id=guidance.id))


@blueprint.get("/workflow")
@requires("catalogue.view")
def workflow():
    return render_template("guidance/workflow.html", steps=steps.steps(), coverage=steps.coverage())
