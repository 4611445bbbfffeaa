"""Error pages rendered in the site layout, for every HTTP error, for changes refused because someone else was first,
and for unexpected exceptions (logged with a reference the page shows, so a report can be matched to its log)."""

from __future__ import annotations

import contextlib
import re
import secrets
import time
from dataclasses import dataclass, field

from flask import Flask, current_app, make_response, render_template, request, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from catalogue import policy
from catalogue.conflicts import ConcurrentChange
from catalogue.extensions import db, limiter
from catalogue.languages import direction


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        if isinstance(error, CSRFError):
            description = _("The form had expired or did not come from this site, so nothing was changed. Go back, "
                            "reload the page and send it again.")
            return render_error(code, description), code
        if code in (403, 404, 429):
            return render_error(code, None, explained=explain(code, own_description(error))), code
        return render_error(code, own_description(error)), code

    @app.errorhandler(ConcurrentChange)
    def concurrent_change(error: ConcurrentChange):
        """A change the database refused because another request changed the same thing first, in a view that does
        not show it in place: what happened, and what the person wrote, to take back."""
        db.session.rollback()
        rule = request.url_rule
        back = request.path if rule is not None and "GET" in (rule.methods or ()) else None
        return render_conflict(error, back), 409

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error: DBAPIError):
        """The database cannot be reached or is busy (a restart, a failover, a full disk): say so and when to come
        back, instead of a 500. Nothing was changed: the request's transaction never committed. Other errors of these
        classes (SQLite reports a wrong column as an OperationalError) are the server's error."""
        if not unavailable(error):
            return unexpected_error(error)
        reference = secrets.token_hex(6)
        app.logger.warning("Database unavailable, reference %s: %s %s (%s)", reference, request.method, request.path,
                           type(error.orig).__name__ if error.orig is not None else type(error).__name__)
        with contextlib.suppress(Exception):
            db.session.rollback()
        response = make_response(render_error(503, _("The catalogue cannot reach its database at the moment, so "
                                                     "nothing was shown or changed. Try again in a minute."),
                                              reference=reference), 503)
        response.headers["Retry-After"] = "30"
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        reference = secrets.token_hex(6)
        # the path without its query string, which may hold what someone searched for
        app.logger.exception("Unhandled error, reference %s: %s %s", reference, request.method, request.path)
        with contextlib.suppress(Exception):
            db.session.rollback()
        return render_error(500, InternalServerError.description, reference=reference), 500


#: What the drivers say when the database cannot be reached or cannot take the request now.
UNAVAILABLE = ("database is locked", "unable to open database", "disk i/o error", "connection refused",
               "could not connect", "server closed the connection", "connection timed out", "the database system is")


def unavailable(error: DBAPIError) -> bool:
    """Whether a database error means "unreachable or busy now" rather than a fault in the request's SQL."""
    if error.connection_invalidated:
        return True
    original = error.orig
    if getattr(original, "sqlstate", "") is None:  # psycopg: no SQLSTATE, the server never answered the statement
        return True
    return any(words in str(original).lower() for words in UNAVAILABLE)


TITLES = {
    400: lambda: _("This request could not be understood"),
    403: lambda: _("You do not have access to this page"),
    404: lambda: _("Page not found"),
    405: lambda: _("This action is not allowed here"),
    409: lambda: _("Someone else changed this at the same moment"),
    413: lambda: _("What you sent is too large"),
    429: lambda: _("Too many requests"),
    500: lambda: _("Something went wrong on our side"),
    503: lambda: _("The service is temporarily unavailable"),
}


def _title(code: int) -> str:
    return TITLES[code]() if code in TITLES else _("Error")


def own_description(error: HTTPException) -> str | None:
    """The description the code gave when it raised ``error``, or None for Werkzeug's stock text (written for
    developers: "You don't have the permission to access the requested resource…")."""
    description = error.description
    return None if not description or description == type(error).description else description


@dataclass
class Explained:
    """What an error page says in the context of the page asked for: what happened, and where to go next."""

    title: str
    paragraphs: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, address)


def explain(code: int, description: str | None) -> Explained:
    """A 403, 404 or 429 page for the page asked for: its kind of thing (a tool, a request, a guidance page…) comes
    from the endpoint the address matched; whom a page is for, from the permission its view declares."""
    endpoint = request.endpoint or ""
    if code == 429:
        return too_many_requests(endpoint)
    if code == 403:
        return forbidden(endpoint, description)
    return not_found(endpoint, description)


def home_link() -> tuple[str, str]:
    return _("Go to the home page"), url_for("pages.home")


def not_found(endpoint: str, description: str | None) -> Explained:
    args = request.view_args or {}
    browsing = policy.can("catalogue.view")
    if endpoint in ("tools.detail", "tools.print_sheet"):
        words = " ".join(re.findall(r"[^\W_]+", str(args.get("slug", ""))))[:80]  # the address's words only
        links = [(_("Search the catalogue for “%(words)s”", words=words), url_for("tools.index", q=words))] \
            if words and browsing else []
        return Explained(_("Tool not found"), [_(
            "There is no published tool at this address. The entry may have been renamed, unpublished or archived, "
            "or the link may be mistyped.")], links + [(_("Browse the catalogue"), url_for("tools.index"))])
    if endpoint.startswith("guidance."):
        return Explained(_("Guidance page not found"), [_(
            "There is no published guidance page at this address. It may have been renamed or withdrawn, or the "
            "link may be mistyped.")], [(_("Go to the Learning Centre"), url_for("guidance.centre"))])
    if endpoint.startswith("contact."):
        return Explained(_("Request not found"), [_(
            "There is no request with this number that you can open. A request can be read only by the person who "
            "sent it, the points of contact of the agency it was sent to, and the colleague it was passed to.")],
            [(_("Go to your requests"), url_for("contact.inbox"))] if policy.can("contact.use") else [home_link()])
    if endpoint.startswith("trainings."):
        return Explained(_("Training not found"), [_(
            "There is no training at this address. It may have been withdrawn, or the link may be mistyped.")],
            [(_("See the trainings"), url_for("trainings.index"))] if policy.can("trainings.view") else [home_link()])
    if endpoint.startswith("agencies."):
        return Explained(_("Agency not found"), [_(
            "There is no member agency at this address, or it is no longer in the directory.")],
            [(_("Go to the agency directory"), url_for("agencies.directory"))] if policy.can("agencies.view")
            else [home_link()])
    paragraphs = [description] if description else []
    return Explained(_title(404), paragraphs + [_(
        "There is no page at this address. The tool may have been renamed, unpublished or archived, or the link may "
        "be mistyped.")], ([(_("Browse the catalogue"), url_for("tools.index"))] if browsing else []) + [home_link()])


#: Whom a page is for, by the lowest role that holds its permission.
PAGE_FOR = {
    "member": lambda: _("This page is for vetted members of law-enforcement agencies and their partners."),
    "curator": lambda: _("This page is for the catalogue's curators, who write and review its entries."),
    "admin": lambda: _("This page is for the catalogue's administrators."),
}


def forbidden(endpoint: str, description: str | None) -> Explained:
    role = policy.role_of()
    if role == "pending":
        return waiting_for_approval()
    paragraphs = [description] if description else []
    if not description:
        view = current_app.view_functions.get(endpoint)
        permission = getattr(view, "permission", None)
        holders = policy.roles_holding(permission) if permission in policy.PERMISSIONS else frozenset()
        lowest = next((held for held in ("member", "curator", "admin") if held in holders), None)
        if lowest in PAGE_FOR:
            paragraphs.append(PAGE_FOR[lowest]())
        if role in ("member", "curator"):
            paragraphs.append(_("You are signed in with a member account.") if role == "member" else
                              _("You are signed in with a curator account."))
            paragraphs.append(_("If your work needs this page, ask the catalogue's administrators to change your "
                                "role."))
    links = []
    if endpoint.startswith("contact.") and "request_id" in (request.view_args or {}):
        links.append((_("Back to the request"), url_for("contact.request", request_id=request.view_args["request_id"])))
    return Explained(_title(403), paragraphs, links + [home_link()])


def waiting_for_approval() -> Explained:
    """A signed-in applicant who is not yet vetted opened a members' page."""
    user = current_user
    agency = (user.proposed_agency or {}).get("name") if isinstance(user.proposed_agency, dict) else None
    paragraphs = [_("Your account is waiting for approval by the catalogue's administrators, who check that you "
                    "work for a law-enforcement agency or one of its partners. You will get an e-mail when it is "
                    "approved; then this page opens to you.")]
    if agency:
        paragraphs.append(_("You applied as a member of %(agency)s.", agency=agency))
    if not user.email_verified_at:
        paragraphs.insert(0, _("First confirm your e-mail address with the link we sent you: the administrators can "
                               "only review your application after that."))
    return Explained(_("Your account is waiting for approval"), paragraphs,
                     [(_("See your account and application"), url_for("account.index")),
                      (_("About and inclusion criteria"), url_for("pages.about"))])


def too_many_requests(endpoint: str) -> Explained:
    limit = limiter.current_limit
    minutes = max(1, round((limit.reset_at - time.time()) / 60)) if limit is not None else None
    wait = ngettext("Wait %(num)s minute and try again.", "Wait %(num)s minutes and try again.", minutes) \
        if minutes else _("Wait a few minutes and try again.")
    if endpoint in ("account.sign_in", "account.sign_in_code"):
        return Explained(_("Too many sign-in attempts"), [_(
            "To protect accounts, this address may try to sign in only a few times in a short period, and it has "
            "reached that limit. Nothing is wrong with your account."), wait],
            [(_("Reset your password"), url_for("account.reset_request")), home_link()])
    return Explained(_title(429), [_(
        "You have sent this form too many times in a short period, so it was not sent again. Nothing else was "
        "changed."), wait], [home_link()])


def render_error(code: int, description: str | None, reference: str | None = None,
                 explained: Explained | None = None):
    template = "errors/500.html" if code >= 500 else "errors/error.html"
    title = explained.title if explained else _title(code)
    try:
        return render_template(template, code=code, title=title, description=description, reference=reference,
                               explained=explained)
    except Exception:  # the layout itself failed (e.g. database down): a page that needs nothing else
        return standalone_page(code, description, reference)


def standalone_page(code: int, description: str | None, reference: str | None) -> str:
    """The error in the site's look without the layout's context processors (which ask the database), in the
    browser's language, or plain text if even that fails."""
    language = request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "en"
    try:
        with force_locale(language):
            return current_app.jinja_env.get_template("errors/standalone.html").render(
                title=_title(code), description=description, reference=reference, language=language,
                direction=direction(language))
    except Exception:
        return f"{code} {_title(code)}" + (f" (reference {reference})" if reference else "")


def render_conflict(error: ConcurrentChange, back: str | None = None):
    return render_template("errors/conflict.html", title=_title(409), description=error.message, kept=error.kept,
                           back=back)
