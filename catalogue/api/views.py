"""The JSON API's routes. Each view parses its parameters, calls one service and answers JSON; every route carries its
OpenAPI description (``spec.described``) and its permission (``@requires``), as the pages do."""

from __future__ import annotations

import contextlib
import hashlib
import json
import secrets
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, current_app, g, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from catalogue.api import auth, reading, spec, writing
from catalogue.api.problems import Problem
from catalogue.api.problems import response as problem_response
from catalogue.api.spec import described, header, query
from catalogue.conflicts import ConcurrentChange
from catalogue.extensions import csrf, db, limiter, login_manager
from catalogue.languages import reader_language
from catalogue.policy import requires
from catalogue.search.registry import facet_fields
from catalogue.search.service import understood_filters

blueprint = Blueprint("api", __name__, url_prefix="/api")
blueprint.before_request(auth.before_request)
csrf.exempt(blueprint)  # checked in auth.before_request: for browser sessions, not for bearer tokens
limiter.limit(auth.rate_limit, key_func=auth.rate_key)(blueprint)
V1 = "/v1"
MAX_FILTER_VALUES = 50


@blueprint.record_once
def answer_401_not_sign_in(_state) -> None:
    """An anonymous call is answered 401, not sent to the sign-in page."""
    login_manager.blueprint_login_views["api"] = None


# Answers ------------------------------------------------------------------------------------------------------------

def private() -> bool:
    return bool(getattr(current_user, "is_authenticated", False))


def json_response(body: Any, status: int = 200, etag_prefix: str = "", headers: dict | None = None) -> Response:
    """JSON with a strong ETag over the body (answered 304 when If-None-Match holds it, whatever encoding the client
    got it in) and ``Cache-Control: private`` when it needs a token or a session."""
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    answer = Response(data, status=status, mimetype="application/json")
    answer.headers["Cache-Control"] = "private, no-cache" if private() else "no-cache"
    answer.vary.update(("Authorization", "Cookie", "Accept-Language"))
    for name, value in (headers or {}).items():
        answer.headers[name] = value
    if status == 200 and request.method in ("GET", "HEAD"):
        tag = etag_prefix + hashlib.sha256(data.encode()).hexdigest()[:20]
        answer.set_etag(tag)
        sent = {value.split(":")[0] for value in request.if_none_match.as_set()} if request.if_none_match else set()
        if tag in sent or request.if_none_match.star_tag:
            answer.status_code, answer.data = 304, b""
            answer.headers.pop("Content-Type", None)
    return answer


@blueprint.errorhandler(Problem)
def problem(error: Problem):
    db.session.rollback()
    return problem_response(error)


@blueprint.errorhandler(HTTPException)
def http_problem(error: HTTPException):
    code = error.code or 500
    headers: dict[str, str] = {}
    detail = error.description if error.description != type(error).description else ""
    if isinstance(error, CSRFError):
        detail = _("The CSRF token was missing or did not come from this site, so nothing was changed. Send a "
                   "token in `Authorization: Bearer`, or the page's CSRF token in the X-CSRFToken header.")
    elif code == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="catalogue"'
        detail = _("Send a personal access token as `Authorization: Bearer cat_…` (make one on your account "
                   "page).")
    elif code == 403:
        detail = detail or _("Your account may not do this.")
    elif code == 404:
        detail = detail or _("Nothing is here, or nothing you may see.")
    elif code == 429:
        headers["Retry-After"] = auth.retry_after()
        detail = _("Too many requests for this token or address: wait %(seconds)s seconds.",
                   seconds=headers["Retry-After"])
    elif code == 413:
        detail = _("The body is too large.")
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    return problem_response(Problem(code, detail, headers=headers))


@blueprint.errorhandler(ConcurrentChange)
def concurrent(error: ConcurrentChange):
    db.session.rollback()
    return problem_response(Problem(409, _("Someone else changed this at the same moment; nothing was written. "
                                           "Read it again and retry.")))


@blueprint.errorhandler(Exception)
def unexpected(error: Exception):
    reference = secrets.token_hex(6)
    current_app.logger.exception("Unhandled API error, reference %s: %s %s", reference, request.method, request.path)
    with contextlib.suppress(Exception):
        db.session.rollback()
    return problem_response(Problem(500, _("Something went wrong on our side."), reference=reference))


# Parameters ---------------------------------------------------------------------------------------------------------

def parameters(allowed: set[str]) -> None:
    unknown = sorted(set(request.args) - allowed)
    if unknown:
        raise Problem(400, _("Unknown parameter(s): %(names)s.", names=", ".join(name[:100] for name in unknown[:20])),
                      errors={name[:100]: ["Unknown parameter."] for name in unknown[:20]})


def single(name: str, default: str = "", max_length: int = 500) -> str:
    values = request.args.getlist(name)
    if len(values) > 1:
        raise Problem(400, _("Give %(name)s once.", name=name), errors={name: ["Given more than once."]})
    value = values[0] if values else default
    if len(value) > max_length:
        raise Problem(400, _("%(name)s is too long.", name=name), errors={name: [f"At most {max_length} characters."]})
    return value


def limit_parameter(default: int = reading.DEFAULT_LIMIT) -> int:
    raw = single("limit", str(default), 12)
    if not raw.isdigit() or not 1 <= int(raw) <= reading.MAX_LIMIT:
        raise Problem(400, _("limit must be a whole number from 1 to %(most)s.", most=reading.MAX_LIMIT),
                      errors={"limit": [f"A whole number from 1 to {reading.MAX_LIMIT}."]})
    return int(raw)


def language_parameter() -> str:
    language = single("language", reader_language(), 10)
    if language not in current_app.config["LANGUAGES"]:
        choices = ", ".join(current_app.config["LANGUAGES"])
        raise Problem(400, _("language must be one of %(choices)s.", choices=choices),
                      errors={"language": [f"One of {choices}."]})
    return language


LANGUAGE = query("language", "The language of labels and translated text (ar, zh, en, fr, ru, es); default: the "
                 "account's or Accept-Language.", {"type": "string", "enum": ["ar", "zh", "en", "fr", "ru", "es"]})
LIMIT = query("limit", f"Results per page, 1 to {reading.MAX_LIMIT}; default {reading.DEFAULT_LIMIT}.",
              {"type": "integer", "minimum": 1, "maximum": reading.MAX_LIMIT, "default": reading.DEFAULT_LIMIT})
CURSOR = query("cursor", "The `next_cursor` of the previous page, with the same other parameters.",
               {"type": "string"})


def vocabulary_parameters() -> list[dict]:
    return [query(name, f"Filter by {name.replace('_', ' ')} (term names; repeat for several: OR within a "
                        "vocabulary, AND across vocabularies). A name the catalogue does not know is 400, named in "
                        "`errors`; a term merged into another counts as that one.", {"type": "string"},
                  repeated=True)
            for name in facet_fields()]


# Read API -----------------------------------------------------------------------------------------------------------

@blueprint.get(f"{V1}/tools")
@requires("catalogue.view")
@described("Search the catalogue", description="The catalogue page's search: words, filters, facets with counts, "
           "corrections and what was relaxed or expanded. Walk all results with `next_cursor`: a keyset (the last "
           "tool's sort value and id), so a tool published or removed during the walk never makes one repeat or go "
           "missing. Unknown parameters and filter values are 400, named in `errors`.",
           parameters=[query("q", "Words to search for.", {"type": "string", "maxLength": 500}),
                       query("sort", "relevance (default; by name without words), name or updated.",
                             {"type": "string", "enum": list(reading.SORTS)}),
                       LANGUAGE, LIMIT, CURSOR, vocabulary_parameters],
           response="SearchResult",
           examples=[{"query": {"q": "image", "language": "fr", "limit": "5"}, "status": 200},
                     {"query": {"limit": "500"}, "status": 400},
                     {"query": {"colour": "blue"}, "status": 400},
                     {"query": {"purposes": "no-such-purpose"}, "status": 400}])
def tools():
    filters_allowed = set(facet_fields())
    parameters({"q", "sort", "language", "limit", "cursor"} | filters_allowed)
    text, sort, limit = single("q"), single("sort", "relevance", 20), limit_parameter()
    if sort not in reading.SORTS:
        raise Problem(400, _("sort must be relevance, name or updated."), errors={"sort": ["Unknown sort."]})
    language = language_parameter()
    asked = {name: request.args.getlist(name) for name in filters_allowed if request.args.getlist(name)}
    too_many = sorted(name for name, values in asked.items() if len(values) > MAX_FILTER_VALUES)
    if too_many:
        raise Problem(400, _("At most %(most)s values per filter.", most=MAX_FILTER_VALUES),
                      errors={name: [f"At most {MAX_FILTER_VALUES} values."] for name in too_many})
    filters, unknown = understood_filters(asked)
    if unknown:
        named = "; ".join(f"{name}: {', '.join(v[:100] for v in values[:10])}" for name, values in unknown.items())
        raise Problem(400, _("Unknown filter value(s): %(values)s. GET /api/v1/vocabularies lists the terms.",
                             values=named),
                      errors={name: [f"Unknown value: {value[:100]}." for value in values[:10]]
                              for name, values in unknown.items()})
    cursor = single("cursor", "", 400) or None
    with force_locale(language):
        return json_response(reading.search_tools(text, filters, sort, language, limit, cursor))


@blueprint.get(f"{V1}/tools/<slug>")
@requires("catalogue.view")
@described("A published tool", description="The published revision: every interchange field, the labels of its "
           "terms, its sources, the guidance that applies and (for members) the agencies that use it. The ETag "
           "starts with the entry's version (`\"v3-…\"`): send it in If-Match to propose a change.",
           parameters=[LANGUAGE], response="Tool", errors=(404,),
           examples=[{"path": {"slug": "{tool}"}, "status": 200},
                     {"path": {"slug": "no-such-tool"}, "status": 404}])
def tool(slug: str):
    parameters({"language"})
    language = language_parameter()
    with force_locale(language):
        body = reading.tool_detail(slug, language)
    return json_response(body, etag_prefix=f"v{body['version']}-")


@blueprint.get(f"{V1}/vocabularies")
@requires("catalogue.view")
@described("The vocabularies that classify tools", parameters=[LANGUAGE], response="Vocabularies",
           examples=[{"query": {"language": "es"}, "status": 200}])
def vocabularies():
    parameters({"language"})
    with force_locale(language_parameter()):
        return json_response({"vocabularies": reading.vocabulary_list()})


@blueprint.get(f"{V1}/guidance")
@requires("catalogue.view")
@described("Published guidance pages", parameters=[LANGUAGE], response="GuidanceList",
           examples=[{"status": 200}])
def guidance():
    parameters({"language"})
    language = language_parameter()
    with force_locale(language):
        return json_response({"results": reading.guidance_list(language)})


@blueprint.get(f"{V1}/guidance/<slug>")
@requires("catalogue.view")
@described("A published guidance page", parameters=[LANGUAGE], response="GuidancePage", errors=(404,),
           examples=[{"path": {"slug": "no-such-page"}, "status": 404}])
def guidance_page(slug: str):
    parameters({"language"})
    language = language_parameter()
    with force_locale(language):
        return json_response(reading.guidance_detail(slug, language))


@blueprint.get(f"{V1}/trainings")
@requires("trainings.view")
@described("Upcoming trainings", parameters=[LIMIT], response="Trainings", examples=[{"status": 200}])
def trainings():
    parameters({"limit"})
    return json_response({"results": reading.training_list(limit_parameter())})


@blueprint.get(f"{V1}/changes")
@requires("catalogue.view")
@described("Changes for mirrors", description="Tools published, changed, archived or withdrawn since a time, "
           "oldest change first, keyset-paged: follow `next_cursor` until it is null, then keep the last "
           "`updated_at` for the next run's `since`.",
           parameters=[query("since", "An ISO 8601 UTC time (2026-01-31T00:00:00Z); default: from the start.",
                             {"type": "string", "format": "date-time"}), LIMIT, CURSOR],
           response="Changes",
           examples=[{"query": {"since": "2020-01-01T00:00:00Z", "limit": "10"}, "status": 200},
                     {"query": {"since": "yesterday"}, "status": 400}])
def changes():
    parameters({"since", "limit", "cursor"})
    raw = single("since", "", 40)
    since = None
    if raw:
        try:
            since = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            raise Problem(400, _("since must be an ISO 8601 time such as 2026-01-31T00:00:00Z."),
                          errors={"since": ["Not an ISO 8601 time."]}) from None
        if since.tzinfo is not None:
            since = since.astimezone(UTC).replace(tzinfo=None)
    return json_response(reading.changes(since, limit_parameter(100), single("cursor", "", 400) or None))


# Write API ----------------------------------------------------------------------------------------------------------

IF_MATCH = header("If-Match", "The entry's version as its ETag (`\"v3\"` or the tool's `\"v3-…\"` ETag). "
                  "412 when the entry moved on.", required=True)


@blueprint.post(f"{V1}/tools")
@requires("tools.curate")
@described("Create a draft", description="A new draft tool through the editor's service (duplicate check, slug, "
           "revision, audit). It is not published: submit it, and another curator reviews it.",
           body="NewDraft", response="Written", success=201, errors=(409, 413, 415), tag="Curation", write=True)
def create_draft():
    parameters(set())
    return json_response(*writing.create_draft(auth.json_body("NewDraft"), g.get("api_token")))


@blueprint.patch(f"{V1}/tools/<slug>")
@requires("tools.curate")
@described("Change a tool", description="On a draft: saves the change. On a published tool: opens (or adds to your "
           "own) proposed change, which readers do not see until another curator approves it in the web "
           "interface. Only the fields sent change.",
           parameters=[IF_MATCH], body="ToolChange", response="Written", errors=(404, 409, 412, 413, 415, 422, 428),
           tag="Curation", write=True)
def change_tool(slug: str):
    parameters(set())
    return json_response(*writing.change(slug, auth.json_body("ToolChange"), request.headers.get("If-Match"),
                                         g.get("api_token")))


@blueprint.post(f"{V1}/tools/<slug>/submit")
@requires("tools.curate")
@described("Submit a draft for review", parameters=[IF_MATCH], body="Submission", response="Written",
           errors=(404, 409, 412, 413, 415, 422, 428), tag="Curation", write=True)
def submit_tool(slug: str):
    parameters(set())
    body = auth.json_body("Submission") if request.get_data(cache=True) else {}
    return json_response(*writing.submit(slug, body, request.headers.get("If-Match"), g.get("api_token")))


# The description and the reference page --------------------------------------------------------------------------

@blueprint.get(f"{V1}/openapi.json")
@requires("site.view")
def openapi():
    return json_response(spec.document(current_app, url_for("pages.home")))


@blueprint.get("/")
@requires("site.view")
def reference():
    return render_template("api/reference.html", document=spec.document(current_app, url_for("pages.home")))


@blueprint.route(f"{V1}/<path:slug>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@requires("site.view")
def unknown(slug: str):
    """Addresses under /api/v1 that no route serves: a problem document, never the site's HTML 404 page."""
    adapter = current_app.url_map.bind("")
    allowed = []
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        with contextlib.suppress(HTTPException):
            endpoint, _args = adapter.match(request.path, method=method)
            if endpoint != "api.unknown":
                allowed.append(method)
    if allowed:
        raise MethodNotAllowed(valid_methods=allowed)
    raise NotFound()
