from __future__ import annotations

from flask import Blueprint, current_app, render_template

from catalogue.policy import can, me, requires
from catalogue.taxonomy import vocabularies
from catalogue.tools import services
from catalogue.workspace import dashboard

blueprint = Blueprint("pages", __name__)


@blueprint.get("/")
@requires("site.view")
def home():
    browsing = can("catalogue.view")
    return render_template(
        "pages/home.html",
        purpose_counts=[(term, n) for term, n in services.published_per_term("purposes") if n] if browsing else [],
        recent=services.recently_updated() if browsing else [],
        total=services.count_published(),
        workspace=dashboard.for_member(me()) if can("workspace.keep") else None,
    )


@blueprint.get("/about")
@requires("site.view")
def about():
    return render_template(
        "pages/about.html",
        criteria=current_app.config["INCLUSION_CRITERIA"],
        vocabularies=vocabularies(),
    )


@blueprint.get("/terms")
@requires("site.view")
def terms():
    return render_template("pages/terms.html")
