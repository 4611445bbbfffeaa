from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for

from catalogue.tools import services
from catalogue.tools.forms import ListingForm, parse_listing
from catalogue.tools.taxonomy import vocabularies

blueprint = Blueprint("tools", __name__, url_prefix="/tools")


@blueprint.get("/")
def index():
    vocabulary_list = vocabularies()
    listing = parse_listing(request.args, [v.slug for v in vocabulary_list])
    pagination, active, ignored = services.list_published(listing, current_app.config["PAGE_SIZE"])
    form = ListingForm(formdata=request.args)
    form.sort.data = listing.sort
    return render_template(
        "tools/index.html",
        pagination=pagination,
        active=active,
        ignored=ignored,
        listing=listing,
        form=form,
        page_url=lambda **changes: listing_url(listing, **changes),
        remove_filter_url=lambda item: listing_url(listing, remove=item),
    )


def listing_url(listing, page: int | None = None, remove=None) -> str:
    """The current listing's URL with one thing changed, keeping every other parameter."""
    args: dict[str, object] = {}
    for vocabulary, terms in listing.filters.items():
        kept = [t for t in terms if not (remove and remove.vocabulary.slug == vocabulary and remove.term.slug == t)]
        if kept:
            args[vocabulary] = kept
    if listing.sort != "name":
        args["sort"] = listing.sort
    target = page if page is not None else (1 if remove else listing.page)
    if target > 1:
        args["page"] = target
    return url_for("tools.index", **args)


@blueprint.get("/<slug>")
def detail(slug: str):
    tool = services.get_published(slug)
    return render_template("tools/detail.html", tool=tool, related=services.related_tools(tool, limit=3),
                           vocabularies=vocabularies(), print_view=False)


@blueprint.get("/<slug>/print")
def print_sheet(slug: str):
    """The one-page tool sheet: the print layout shown on screen, ready for the browser's print command."""
    tool = services.get_published(slug)
    return render_template("tools/detail.html", tool=tool, related=[], vocabularies=vocabularies(),
                           print_view=True)
