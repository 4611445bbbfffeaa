from __future__ import annotations

from flask import Blueprint, current_app, render_template

from catalogue import kept_pages
from catalogue.agreements import documents
from catalogue.policy import can, me, requires
from catalogue.taxonomy import vocabularies
from catalogue.tools import services
from catalogue.workspace import dashboard

blueprint = Blueprint("pages", __name__)


@blueprint.get("/")
@requires("site.view")
def home():
    """The introduction and the catalogue's purposes and recent tools are kept rendered per content version
    (``kept_pages``); a member's workspace is made on every request."""
    key = kept_pages.key("home", searched=True)  # the purposes' counts come from the index
    return render_template("pages/home.html", kept=kept_pages.part(key, _home_parts),
                           workspace=dashboard.for_member(me()) if can("workspace.keep") else None)


def _home_parts() -> dict[str, str]:
    browsing = can("catalogue.view")
    return {
        "intro": render_template("pages/_home_intro.html", total=services.count_published()),
        "catalogue": render_template(
            "pages/_home_catalogue.html",
            purpose_counts=[(term, n) for term, n in services.published_per_term("purposes") if n] if browsing else [],
            recent=services.recently_updated() if browsing else []),
    }


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
    """The terms of engagement for members, from the configured file (``MEMBER_TERMS_FILE``)."""
    document = documents.MEMBER_TERMS
    return render_template("pages/terms.html", text=documents.text(document), version=documents.version(document))
