from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from markupsafe import Markup

from catalogue import kept_pages
from catalogue.agencies import services as agencies
from catalogue.curation.settings import stale_before
from catalogue.guidance import services as guidance
from catalogue.policy import requires
from catalogue.search.groups import search_group
from catalogue.search.query import QueryError
from catalogue.search.service import search
from catalogue.taxonomy import vocabularies
from catalogue.tools import cards, services
from catalogue.tools.forms import SearchForm, carries_sort_memory, parse_search

blueprint = Blueprint("tools", __name__, url_prefix="/tools")
blueprint.add_app_template_global(cards.tool_card, "kept_tool_card")

MAX_COMPARE = 4
OTHER_GROUPS = ("guidance", "training")  # searched from the same box, shown after the tools
GROUP_SIZE = 3


@blueprint.get("/")
@requires("catalogue.view")
def index():
    wanted = parse_search(request.args, current_app.config["PAGE_SIZE"])
    if carries_sort_memory(request.args):
        return redirect(search_url(wanted), 303)  # the form's hidden sort fields have done their work
    form = SearchForm(formdata=request.args)
    form.show(wanted)
    try:
        shown = kept_pages.part(kept_pages.key("catalogue", searched=True), lambda: _results(form, wanted))
    except QueryError as error:
        content = Markup(render_template("tools/_catalogue.html", form=form, result=None, error=str(error),  # noqa: S704
                                         url_with=lambda **c: search_url(wanted, **c)))
        return render_template("tools/index.html", form=form, page_number=1, content=content), 400
    return render_template("tools/index.html", form=form, page_number=shown["page"], content=shown["content"])


def _results(form, wanted) -> dict[str, str]:
    """The catalogue's form, filters and results for ``wanted``; not kept while search answers from the database."""
    result = search(wanted)
    if result.degraded:
        kept_pages.dont_keep()
    groups = [search_group(wanted.text, kind, limit=GROUP_SIZE) for kind in OTHER_GROUPS] if wanted.text else []
    return {"page": str(result.request.page),
            "content": render_template("tools/_catalogue.html", form=form, result=result, error=None, groups=groups,
                                       url_with=lambda **changes: search_url(wanted, **changes))}


def search_url(wanted, page: int | None = None, remove: tuple[str, str] | None = None,
               add: tuple[str, str] | None = None, q: str | None = None, sort: str | None = None) -> str:
    """The current search's URL with one thing changed (a page, a filter removed or added, the words, the sort),
    keeping every other parameter. A sort the reader chose is kept; the automatic one stays out of the URL."""
    args: dict[str, object] = {}
    text = wanted.text if q is None else q
    if text:
        args["q"] = text
    filters = {vocabulary: list(values) for vocabulary, values in wanted.filters.items()}
    if add and add[1] not in filters.setdefault(add[0], []):
        filters[add[0]].append(add[1])
    for vocabulary, values in filters.items():
        kept = [v for v in values if (vocabulary, v) != remove]
        if kept:
            args[vocabulary] = kept
    chosen_sort = sort or wanted.sort
    if chosen_sort != "relevance":
        args["sort"] = chosen_sort
    target = page if page is not None else (1 if remove or add or q is not None else wanted.page)
    if target > 1:
        args["page"] = target
    return url_for("tools.index", **args)


@blueprint.get("/compare")
@requires("catalogue.view")
def compare():
    slugs = list(dict.fromkeys(request.args.getlist("tool")))
    tools, missing = services.published_by_slugs(slugs[:MAX_COMPARE])
    return render_template("tools/compare.html", tools=tools, missing=missing, vocabularies=vocabularies(),
                           too_many=len(slugs) > MAX_COMPARE, limit=MAX_COMPARE)


@blueprint.get("/<slug>")
@requires("catalogue.view")
def detail(slug: str):
    return _tool_page(slug, print_view=False)


@blueprint.get("/<slug>/print")
@requires("catalogue.view")
def print_sheet(slug: str):
    """The one-page tool sheet: the print layout shown on screen, ready for the browser's print command."""
    return _tool_page(slug, print_view=True)


def _tool_page(slug: str, print_view: bool):
    """The entry, its guidance and related tools are kept rendered per content version (``kept_pages``); the
    reader's own parts (shortlists, following, the agencies and officers they may see) are made on every request."""
    key = kept_pages.key("tool")  # the content version read before the tool: never kept older than its key says
    tool = services.get_published(slug, light=True)
    if key is not None:
        key += (tool.id, tool.version)
    kept = kept_pages.part(key, lambda: _entry(tool, print_view))
    return render_template("tools/detail.html", tool=tool, kept=kept, print_view=print_view,
                           usages=None if print_view else agencies.usages_of(tool))


def _entry(tool, print_view: bool) -> dict[str, str]:
    shown = current_app.jinja_env.globals["shown"](tool)
    context = {"tool": tool, "vocabularies": vocabularies(), "print_view": print_view,
               "guidance": guidance.for_tool(tool), **staleness(tool)}
    return {**kept_pages.head(tool.name, shown.summary),
            "head": render_template("tools/_detail_head.html", **context),
            "body": render_template("tools/_detail_body.html", **context),
            "related": "" if print_view else render_template(
                "tools/_related.html", tool=tool, related=services.related_tools(tool, limit=3))}


def staleness(tool) -> dict:
    return {"stale": tool.last_reviewed is not None and tool.last_reviewed < stale_before(),
            "stale_months": current_app.config["CATALOGUE_STALE_AFTER_MONTHS"]}
