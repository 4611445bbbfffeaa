"""Guidance pages, the investigative workflow and its coverage map."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from catalogue import kept_pages
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
    """The page is kept rendered per content version (``kept_pages``) but for its upcoming trainings, which change
    as time passes."""
    key = kept_pages.key("guidance")  # the content version read before the page: never kept older than its key says
    guidance = services.get_published(slug, light=True)
    if key is not None:
        key += (guidance.id, guidance.version)
    return render_template("guidance/page.html", kept=kept_pages.part(key, lambda: _page_parts(guidance)),
                           trainings=trainings.upcoming(5, guidance_id=guidance.id))


def _page_parts(guidance) -> dict[str, str]:
    shown = current_app.jinja_env.globals["shown"](guidance)
    return {**kept_pages.head(shown.title, shown.summary),
            "content": render_template("guidance/_page_content.html", page=guidance, tools=services.tools_for(guidance),
                                       applies=services.applying_terms(guidance), topic_labels=TOPIC_LABELS),
            "related": render_template("guidance/_page_related.html", page=guidance)}


@blueprint.get("/workflow")
@requires("catalogue.view")
def workflow():
    return render_template("guidance/workflow.html", steps=steps.steps(), coverage=steps.coverage())
