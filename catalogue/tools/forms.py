"""The catalogue's GET form: everything lives in the query string so every page is a shareable link."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from catalogue.tools.services import DEFAULT_SORT, ListingRequest

SORT_LABELS = {"name": _l("Name (A–Z)"), "updated": _l("Last updated")}


def sort_choices() -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in SORT_LABELS.items()]


class ListingForm(FlaskForm):
    class Meta:
        csrf = False

    sort = SelectField(_l("Sort by"), choices=sort_choices(), default=DEFAULT_SORT)


def parse_listing(args: MultiDict, vocabulary_slugs: list[str]) -> ListingRequest:
    """Read page, sort and one parameter per vocabulary; bad values fall back to defaults, never an error."""
    try:
        page = int(args.get("page", "1"))
    except ValueError:
        page = 1
    sort = args.get("sort", DEFAULT_SORT)
    if sort not in SORT_LABELS:
        sort = DEFAULT_SORT
    filters = {slug: args.getlist(slug) for slug in vocabulary_slugs if args.getlist(slug)}
    return ListingRequest(page=max(page, 1), sort=sort, filters=filters)
