"""The catalogue's GET form: everything lives in the query string so every result page is a shareable link."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField, SearchField, SelectField
from wtforms.fields.choices import SelectChoice

from catalogue.paging import page_number
from catalogue.search.registry import facet_fields
from catalogue.search.service import SearchRequest

#: The sort menu. "" is automatic: best match when the query has words, name when it has none (the search service
#: turns relevance into name for an empty query), so the menu never claims a sort the reader did not choose.
AUTOMATIC = ""
SORT_LABELS = {AUTOMATIC: _l("Best match"), "name": _l("Name (A–Z)"), "updated": _l("Last updated")}
CHOSEN_SORTS = ("name", "updated")

#: Hidden fields the search form carries while a sort is chosen: the query that sort was chosen for, and the sort
#: itself. A new query typed into the box goes back to the automatic sort; a query and a sort changed together keep
#: the sort. Links (pages, filters, shared addresses) carry neither, so their ``sort`` always holds.
SORTED_QUERY, SORTED_BY = "sorted_q", "sorted_by"


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField(_l("Search tools"))
    sort = SelectField(_l("Sort by"), choices=[SelectChoice(v, label) for v, label in SORT_LABELS.items()])
    sorted_q = HiddenField()
    sorted_by = HiddenField()

    def show(self, wanted: SearchRequest) -> None:
        """Show the sort ``wanted`` ran with, and remember which query a chosen sort belongs to."""
        chosen = wanted.sort if wanted.sort in CHOSEN_SORTS else AUTOMATIC
        self.sort.data = chosen
        self.sorted_q.data = wanted.text if chosen else None
        self.sorted_by.data = chosen or None


def parse_search(args: MultiDict, per_page: int) -> SearchRequest:
    """Read q, sort, page and one parameter per vocabulary; odd values fall back to defaults."""
    filters = {name: args.getlist(name) for name in facet_fields() if args.getlist(name)}
    page = page_number(args)
    return SearchRequest(text=args.get("q", ""), filters=filters, sort=chosen_sort(args), page=page,
                         per_page=per_page)


def chosen_sort(args: MultiDict) -> str:
    """The sort the reader chose for this query, else ``relevance`` (which lists an empty query by name)."""
    sort = args.get("sort", AUTOMATIC)
    if sort not in CHOSEN_SORTS:
        return "relevance"
    if SORTED_QUERY in args and not same_query(args[SORTED_QUERY], args.get("q", "")) \
            and args.get(SORTED_BY, sort) == sort:
        return "relevance"  # a new query typed under a sort chosen for the previous one
    return sort


def same_query(first: str, second: str) -> bool:
    return first.split() == second.split()


def carries_sort_memory(args: MultiDict) -> bool:
    """Whether the address came from the search form with a chosen sort (its hidden fields), rather than a link."""
    return SORTED_QUERY in args or SORTED_BY in args
