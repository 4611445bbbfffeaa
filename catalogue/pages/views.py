from __future__ import annotations

from flask import Blueprint, current_app, render_template

from catalogue.tools import services
from catalogue.tools.taxonomy import vocabularies

blueprint = Blueprint("pages", __name__)


@blueprint.get("/")
def home():
    return render_template(
        "pages/home.html",
        purpose_counts=[(term, n) for term, n in services.term_counts("purposes") if n],
        recent=services.recently_updated(),
        total=services.count_published(),
    )


@blueprint.get("/about")
def about():
    return render_template(
        "pages/about.html",
        criteria=current_app.config["INCLUSION_CRITERIA"],
        vocabularies=vocabularies(),
    )
