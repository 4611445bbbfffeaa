"""Saved searches: a member names a catalogue search (words, filters, sort) to run it again and to hear about tools
that newly match it. Only the owner sees or changes one (404 for anybody else)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound

from catalogue.conflicts import unit_of_work
from catalogue.extensions import db
from catalogue.models import Alert, SavedSearch, Term, User, Vocabulary
from catalogue.models.base import utcnow
from catalogue.models.workspace import EMAIL_CHOICES, NAME_LIMIT
from catalogue.search.query import QueryError
from catalogue.search.registry import facet_fields
from catalogue.search.service import SORTS, SearchRequest, search

LIMIT = 20  # saved searches per member
NEW_SHOWN = 50  # "50 or more new"
QUERY_LIMIT = 40  # parameters kept from a URL


class SearchRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def searches_of(user: User) -> list[SavedSearch]:
    return list(db.session.scalars(select(SavedSearch).where(SavedSearch.owner_id == user.id)
                                   .order_by(SavedSearch.id)))


def own_search(user: User, search_id: int) -> SavedSearch:
    found = db.session.get(SavedSearch, search_id) if 0 < search_id < 2**31 else None
    if found is None or found.owner_id != user.id:
        raise NotFound()
    return found


def query_pairs(args: MultiDict) -> list[list[str]]:
    """The catalogue parameters worth keeping from a results page's query string: words, filters, a chosen sort."""
    text = " ".join(str(args.get("q", "")).split())[:500]
    pairs = [["q", text]] if text else []
    for vocabulary in facet_fields():
        pairs += [[vocabulary, value[:100]] for value in dict.fromkeys(args.getlist(vocabulary)) if value]
    sort = args.get("sort", "")
    if sort in SORTS and sort != "relevance":
        pairs.append(["sort", sort])
    return pairs[:QUERY_LIMIT]


def request_of(saved: SavedSearch, per_page: int = 20, sort: str | None = None) -> SearchRequest:
    """The saved search as the catalogue runs it. A filter on a term merged into another searches the surviving term;
    filters the catalogue no longer knows are left out by the search (``result.ignored``)."""
    survivors = merged_terms()
    text, filters, chosen = "", {}, "relevance"
    for key, value in saved.query:
        if key == "q":
            text = value
        elif key == "sort" and value in SORTS:
            chosen = value
        elif key in facet_fields():
            filters.setdefault(key, []).append(survivors.get((key, value), value))
    return SearchRequest(text=text, filters={k: list(dict.fromkeys(v)) for k, v in filters.items()},
                         sort=sort or chosen, per_page=per_page)


def merged_terms() -> dict[tuple[str, str], str]:
    """``{(vocabulary, merged term): surviving term}`` for every term merged into another."""
    survivor = aliased(Term)
    rows = db.session.execute(select(Vocabulary.slug, Term.slug, survivor.slug)
                              .join(Term, Term.vocabulary_id == Vocabulary.id)
                              .join(survivor, Term.merged_into_id == survivor.id))
    return {(vocabulary, slug): kept for vocabulary, slug, kept in rows}


def renamed_filters(saved: SavedSearch) -> list[tuple[str, str]]:
    """The saved search's filter values that were merged into another term: (as saved, what is searched now)."""
    survivors = merged_terms()
    return [(value, survivors[(key, value)]) for key, value in saved.query if (key, value) in survivors]


def save(user: User, name: str, args: MultiDict) -> SavedSearch:
    name = " ".join((name or "").split())
    if not name:
        raise SearchRefused(_("Give the search a name."))
    if len(name) > NAME_LIMIT:
        raise SearchRefused(_("A saved search's name has at most %(limit)s characters.", limit=NAME_LIMIT))
    if "\x00" in name:
        raise SearchRefused(_("The name contains a character that cannot be stored."))
    pairs = query_pairs(args)
    if not pairs:
        raise SearchRefused(_("Type some words or choose a filter first: a search for everything needs no saving."))
    if len(searches_of(user)) >= LIMIT:
        raise SearchRefused(_("You have %(count)s saved searches, the most one account keeps. Delete one first.",
                              count=LIMIT))
    with unit_of_work():
        saved = SavedSearch(owner=user, name=name, query=pairs, email="off", created_at=utcnow(), seen_at=utcnow())
        db.session.add(saved)
    return saved


def set_email(saved: SavedSearch, choice: str) -> None:
    if choice not in EMAIL_CHOICES:
        raise SearchRefused(_("Choose how often to be told by e-mail."))
    with unit_of_work():
        saved.email = choice


def delete(saved: SavedSearch) -> None:
    with unit_of_work():
        db.session.delete(saved)


def opened(saved: SavedSearch) -> None:
    """The member opens the results: what was new is now seen, and its alerts are read."""
    now = utcnow()
    with unit_of_work():
        saved.seen_at = now
        for alert in db.session.scalars(select(Alert).where(Alert.saved_search_id == saved.id,
                                                            Alert.read_at.is_(None))):
            alert.read_at = now


def new_count(saved: SavedSearch) -> int | None:
    """How many matching tools were published or changed since the member last opened the results (at most
    ``NEW_SHOWN``); None when the search cannot run any more."""
    try:
        result = search(request_of(saved, per_page=NEW_SHOWN, sort="updated"))
    except QueryError:
        return None
    return sum(1 for hit in result.hits if hit.tool.updated_at and hit.tool.updated_at > saved.seen_at)


def unread_alerts(user: User, limit: int = 30) -> list[Alert]:
    return list(db.session.scalars(select(Alert).where(Alert.user_id == user.id, Alert.read_at.is_(None))
                                   .order_by(Alert.created_at.desc(), Alert.id.desc()).limit(limit)))


def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count(Alert.id)).where(Alert.user_id == user.id,
                                                                Alert.read_at.is_(None))) or 0


def ignored_filters(saved: SavedSearch) -> list[str]:
    """Filter values of the saved search the catalogue no longer knows (a merged or retired term)."""
    try:
        result = search(request_of(saved, per_page=1))
    except QueryError:
        return []
    return list(result.ignored)
