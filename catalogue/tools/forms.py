"""The catalogue's GET form: everything lives in the query string so every result page is a shareable link."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import SearchField, SelectField
from wtforms.fields.choices import SelectChoice

from catalogue.search.registry import facet_fields
from catalogue.search.service import SearchRequest

SORT_LABELS = {"relevance": _l("Relevance"), "name": _l("Name (A–Z)"), "updated": _l("Last updated")}


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField(_l("Search tools"))
    sort = SelectField(_l("Sort by"), choices=[SelectChoice(v, label) for v, label in SORT_LABELS.items()])


def parse_search(args: MultiDict, per_page: int) -> SearchRequest:
    """Read q, sort, page and one parameter per vocabulary; odd values fall back to defaults."""
    try:
        page = int(args.get("page", "1"))
    except ValueError:
        page = 1
    sort = args.get("sort", "relevance")
    filters = {name: args.getlist(name) for name in facet_fields() if args.getlist(name)}
    return SearchRequest(text=args.get("q", ""), filters=filters,
                         sort=sort if sort in SORT_LABELS else "relevance", page=max(page, 1), per_page=per_page)
