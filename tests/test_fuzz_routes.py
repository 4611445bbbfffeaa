"""A standing fuzz (issue 21, item 10): no request answers 500, whatever its query string, path or form holds.

GET: every route, with query parameters named as the pages read them, as Flask's ``url_for`` and Werkzeug read them
(``_method``, ``_external``, …) and at random; values are huge and negative integers, digits of other scripts, NUL
and other control characters, very long text, impossible dates. A sweep asks every route once with real path values
and once with hostile ones, both with the worst query at once; Hypothesis then draws further combinations as every
role. POST: every form route, as every role, with random fields (the names of every form of the app) holding the
same values; form tokens are switched off there, so every POST passes the token check as a real one would.

Sample sizes keep the module around twenty seconds on a quiet two-core machine; a failure prints the request.
"""

from __future__ import annotations

import string

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import AnyConverter, IntegerConverter
from wtforms.fields.core import UnboundField

from catalogue import policy
from catalogue.extensions import db
from catalogue.models import AgencyUnit, GuidancePage, Term, Tool, ToolUsage, Training
from tests.auth import signed_in
from tests.conftest import copy_data_dir, make_app
from tests.factories import make_agency, make_user

ROLES = ("anonymous", "pending", "member", "curator", "admin")
FUZZ = {"deadline": None, "database": None,
        "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]}
#: Names a page reads, names ``url_for`` and Werkzeug read themselves, and a few nobody reads.
NAMES = ["page", "q", "next", "restore", "discard", "status", "kind", "version", "original", "first", "second",
         "into", "tool", "agency", "box", "state", "overdue", "since", "until", "action", "outcome", "actor", "role",
         "country", "region", "specialism", "language", "format", "when", "sort", "topic", "old", "new", "purposes",
         "_method", "_external", "_scheme", "_anchor", "_charset_", "__proto__", "page[]", "q\u00a0", "x" * 300]
HUGE = str(2**64)
HOSTILE_VALUES = ["", "0", "-1", "1", HUGE, "9" * 5000, "١٢٣٤٥٦", "１２", "1e309", "nan", "\x00", "\x1b[31m", "\r\n",
                  "a" * 10_000, "2026-02-30", "9999-12-31", "0001-01-01", "../../etc/passwd", "<script>",
                  "//evil.example", "javascript:alert(1)", "https://evil.example", "%00", "\u202e", "🙂" * 50]
text_values = st.one_of(st.sampled_from(HOSTILE_VALUES), st.text(max_size=40),
                        st.integers(min_value=-(2**70), max_value=2**70).map(str),
                        st.text(alphabet=string.digits + "١٢٣٤٥٦٧٨٩٠۱۲۳４５", min_size=1, max_size=25))
queries = st.lists(st.tuples(st.one_of(st.sampled_from(NAMES), st.text(min_size=1, max_size=12)), text_values),
                   max_size=6)
#: The worst query at once: every name ``url_for`` reads, and numbers no column holds.
WORST_QUERY = [("_method", "POST"), ("_external", "1"), ("_scheme", "javascript"), ("_anchor", "x"),
               ("page", HUGE), ("page", "١٢"), ("version", HUGE), ("q", "a" * 10_000), ("since", "0001-01-01"),
               ("first", HUGE), ("second", "-1"), ("into", HUGE), ("next", "//evil.example"), ("restore", "x"),
               ("old", HUGE), ("new", "١"), ("sort", "\r\n"), ("tool", "x" * 300)]


def fuzzed_app(tmp_path_factory, demo_data_dir, name: str, **config):
    """The demo catalogue with one account per role, an agency using a tool, and the real values of path
    arguments (``app.path_values``)."""
    data_dir = tmp_path_factory.mktemp(name)
    copy_data_dir(demo_data_dir, data_dir)
    app = make_app(data_dir, RATELIMIT_ENABLED=False, **config)
    with app.app_context():
        agency = make_agency()
        users = {role: make_user(role, agency=agency) for role in ROLES[1:]}
        users["pending"].email_verified_at = users["pending"].created_at
        tool = db.session.scalars(db.select(Tool).where(Tool.status == "published")).first()
        usage, unit = ToolUsage(agency=agency, tool=tool), AgencyUnit(agency=agency, name="Sample unit")
        db.session.add_all([usage, unit])
        db.session.commit()
        term = db.session.scalars(db.select(Term)).first()
        training = db.session.scalars(db.select(Training)).first()
        app.path_values = {
            "slug": [tool.slug, db.session.scalars(db.select(GuidancePage.slug)).first(), training.slug,
                     agency.slug],
            "kind": ["tools", "guidance"], "language": ["fr", "zz"], "vocabulary": [term.vocabulary.slug],
            "token": ["not-a-token"], "entry_id": [tool.id], "user_id": [users["member"].id],
            "agency_id": [agency.id], "term_id": [term.id], "usage_id": [usage.id], "unit_id": [unit.id],
            "training_id": [training.id], "number": [1], "request_id": [1], "assessment_id": [1], "change_id": [1],
        }
        app.user_ids = {role: user.id for role, user in users.items()}
        app.slugs = dict(zip(("tools", "guidance", "trainings", "agencies"), app.path_values["slug"], strict=True))
    return app


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory, demo_data_dir):
    app = fuzzed_app(tmp_path_factory, demo_data_dir, "fuzz-get")
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def post_app(tmp_path_factory, demo_data_dir):
    """A separate app for the POST fuzz, which changes things."""
    app = fuzzed_app(tmp_path_factory, demo_data_dir, "fuzz-post", WTF_CSRF_ENABLED=False)
    app.field_names = form_field_names()  # once: some pages make form classes as they go
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def clients(fuzz_app):
    made = {"anonymous": fuzz_app.test_client()}
    made.update({role: signed_in(fuzz_app, user_id) for role, user_id in fuzz_app.user_ids.items()})
    return made


def rules(app, method: str) -> list:
    skipped = {*policy.EXEMPT_ENDPOINTS, "account.sign_out"}  # signing out would end the fuzzing client's session
    return sorted((rule for rule in app.url_map.iter_rules() if method in rule.methods
                   and rule.endpoint not in skipped), key=lambda rule: rule.rule)


def real_value(app, rule, name: str):
    converter = rule._converters[name]
    if isinstance(converter, AnyConverter):
        return "tools"
    if name == "slug" and rule.endpoint.split(".")[0] in app.slugs:  # the slug of the blueprint's own kind
        return app.slugs[rule.endpoint.split(".")[0]]
    return app.path_values.get(name, [1 if isinstance(converter, IntegerConverter) else "x"])[0]


def hostile_value(rule, name: str):
    converter = rule._converters[name]
    if isinstance(converter, IntegerConverter):
        return 2**70
    return "tools" if isinstance(converter, AnyConverter) else "١٢٣\u202e" + "x" * 200


def drawn_value(app, rule, name: str, draw):
    converter = rule._converters[name]
    if isinstance(converter, AnyConverter):
        return draw(st.sampled_from(app.path_values["kind"]))
    real = st.sampled_from(app.path_values.get(name, [real_value(app, rule, name)]))
    if isinstance(converter, IntegerConverter):
        return draw(st.one_of(real, st.integers(min_value=0, max_value=2**80)))
    return draw(st.one_of(real, st.text(min_size=1, max_size=30)))


def path_of(app, rule, values: dict) -> str:
    return app.url_map.bind("localhost").build(rule.endpoint, values)


def status_of(response) -> int:
    response.close()
    return response.status_code


@pytest.mark.parametrize("role", ["anonymous", "member", "admin"])  # the other roles are in the random draws
def test_every_get_route_survives_the_worst_query(fuzz_app, clients, role):
    failures = []
    for rule in rules(fuzz_app, "GET"):
        for value_of in (lambda name, r=rule: real_value(fuzz_app, r, name),
                         lambda name, r=rule: hostile_value(r, name)):
            path = path_of(fuzz_app, rule, {name: value_of(name) for name in rule._converters})
            status = status_of(clients[role].get(path, query_string=WORST_QUERY))
            if status >= 500:
                failures.append(f"{status} {path}")
    assert not failures, failures


@pytest.mark.parametrize("role", ROLES)
@settings(max_examples=30, **FUZZ)
@given(data=st.data())
def test_random_get_requests_never_answer_500(fuzz_app, clients, role, data):
    rule = data.draw(st.sampled_from(rules(fuzz_app, "GET")), label="route")
    path = path_of(fuzz_app, rule, {name: drawn_value(fuzz_app, rule, name, data.draw) for name in rule._converters})
    query = data.draw(queries, label="query")
    assert status_of(clients[role].get(path, query_string=query)) < 500, (path, query)


def form_field_names() -> list[str]:
    """Every field name of every form class of the app, and the prefixed ones of the curation entry page."""
    names: set[str] = set()
    pending = list(FlaskForm.__subclasses__())
    while pending:
        form_class = pending.pop()
        pending.extend(form_class.__subclasses__())
        names.update(name for name in dir(form_class) if isinstance(getattr(form_class, name, None), UnboundField))
    prefixed = {f"{prefix}-{name}" for prefix in ("unpublish", "archive", "reopen") for name in ("version", "note")}
    return sorted(names | prefixed)


@pytest.mark.parametrize("role", ROLES)
@settings(max_examples=20, **FUZZ)
@given(data=st.data())
def test_random_form_posts_never_answer_500(post_app, role, data):
    rule = data.draw(st.sampled_from(rules(post_app, "POST")), label="route")
    path = path_of(post_app, rule, {name: drawn_value(post_app, rule, name, data.draw) for name in rule._converters})
    fields = data.draw(st.dictionaries(st.sampled_from(post_app.field_names),
                                       st.one_of(text_values, st.lists(text_values, max_size=3)), max_size=8),
                       label="fields")
    client = post_app.test_client() if role == "anonymous" else signed_in(post_app, post_app.user_ids[role])
    assert status_of(client.post(path, data=fields)) < 500, (path, fields)
