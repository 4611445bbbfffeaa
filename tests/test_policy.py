"""The route × role matrix: every endpoint and method, for every role, answers as ``catalogue.policy`` says."""

from __future__ import annotations

import inspect

import pytest

from catalogue import policy
from catalogue.extensions import db
from catalogue.models import AgencyUnit, AuditEvent, Tool, ToolUsage, User
from tests.auth import signed_in
from tests.conftest import empty_app
from tests.factories import make_agency, make_tools, make_user
from tests.training_helpers import make_training

SIGN_IN_REDIRECT = "/account/sign-in?next="
SKIP_METHODS = {"HEAD", "OPTIONS"}


@pytest.fixture(params=[False, True], ids=["members-only", "public-browsing"])
def matrix_app(request, tmp_path, empty_data_dir):
    apps = empty_app(tmp_path, empty_data_dir, CATALOGUE_PUBLIC_BROWSING=request.param, WTF_CSRF_ENABLED=False,
                     RATELIMIT_ENABLED=False)
    app = next(apps)
    with app.app_context():
        make_tools()
        agency = make_agency()
        users = {role: make_user(role, agency=agency) for role in ("pending", "member", "curator", "admin")}
        users["pending"].email_verified_at = users["pending"].created_at
        users["provider"] = make_user("provider", email="provider@example-research.example",
                                      organisation="Example Research Lab")
        db.session.commit()
        tool = db.session.scalars(db.select(Tool)).first()
        term = tool.terms[0]
        training = make_training(slug="sample-tool")  # so that training routes render, not only answer 404
        app.sample_values = {"slug": "sample-tool", "user_id": users["member"].id, "agency_id": agency.id,
                             "token": "not-a-token", "tool_id": tool.id, "entry_id": tool.id, "kind": "tools",
                             "number": 1, "term_id": term.id, "vocabulary": term.vocabulary.slug,
                             "training_id": training.id, "request_id": 1, "language": "fr",
                             "change_id": 1}
        app.user_ids = {role: user.id for role, user in users.items()}
        app.sample_values["assessment_id"] = 1  # nobody's: members get 404, roles without the permission 403
        app.sample_values["list_id"] = app.sample_values["search_id"] = 1  # a shortlist, a saved search: nobody's
        app.sample_values["follow_id"] = 1  # a followed tool: nobody's
        # An agency whose slug is the shared sample slug, so agency pages render; its tool usage and a unit of the
        # users' agency give the directory's and the admin's routes something to act on.
        sample_agency = make_agency("sample-tool", name="Sample Tool", domains=("sample-tool.example",))
        usage, unit = ToolUsage(agency=sample_agency, tool=tool), AgencyUnit(agency=agency, name="Sample unit")
        db.session.add_all([usage, unit])
        db.session.commit()
        app.sample_values.update(usage_id=usage.id, unit_id=unit.id)
    yield app
    next(apps, None)


def routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in policy.EXEMPT_ENDPOINTS:
            continue
        for method in sorted(rule.methods - SKIP_METHODS):
            yield rule, method


def test_every_route_declares_a_permission(app):
    undeclared = [rule.rule for rule in app.url_map.iter_rules() if rule.endpoint not in policy.EXEMPT_ENDPOINTS
                  and not hasattr(app.view_functions[rule.endpoint], "permission")]
    assert undeclared == []


def guarded_permission(view) -> str | None:
    """The permission that a ``requires`` guard in the view's decorator chain checks, or None without one.

    Read from the guard itself, not from the ``permission`` attribute that ``functools.wraps`` copies outwards:
    an attribute set by hand, or copied onto a view whose guard was removed, checks nothing."""
    guard_code = policy.requires("site.view")(lambda: None).__code__
    layer = view
    while layer is not None:
        if getattr(layer, "__code__", None) is guard_code:
            return inspect.getclosurevars(layer).nonlocals["permission"]
        layer = getattr(layer, "__wrapped__", None)
    return None


def test_every_declared_permission_is_known_checked_and_used(app):
    """``requires`` already refuses an unknown name when a view is decorated, so what can still drift is the other
    way round: a ``permission`` attribute that no guard enforces, or a permission in the table that no route
    declares any more (renamed or its views removed), whose roles the route × role test then never exercises."""
    declared = {}
    for endpoint, view in app.view_functions.items():
        if endpoint not in policy.EXEMPT_ENDPOINTS:
            checked = guarded_permission(view)
            assert checked == view.permission, f"{endpoint} declares {view.permission!r}; @requires checks {checked!r}"
            declared[endpoint] = view.permission
    unused = set(policy.PERMISSIONS) - set(declared.values())
    assert set(declared.values()) <= set(policy.PERMISSIONS) and not unused, f"no route declares {sorted(unused)}"


def test_routes_answer_every_role_as_the_policy_says(matrix_app):
    app = matrix_app
    public = app.config["CATALOGUE_PUBLIC_BROWSING"]
    checked = 0
    for rule, method in routes(app):
        missing = [arg for arg in rule.arguments if arg not in app.sample_values]
        assert not missing, f"add a sample value for {missing} ({rule.rule}) to this test"
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **{arg: app.sample_values[arg] for arg in rule.arguments})
        permission = app.view_functions[rule.endpoint].permission
        for role in policy.ROLES:
            client = app.test_client() if role == policy.ANONYMOUS else signed_in(app, app.user_ids[role])
            response = client.open(url, method=method)
            allowed = role in policy.roles_holding(permission, public_browsing=public)
            location = response.headers.get("Location", "")
            denied_anonymous = (response.status_code == 302 and location.startswith(SIGN_IN_REDIRECT)) or (
                url.startswith("/api/") and response.status_code == 401)  # the API answers 401, never a page
            where = f"{method} {url} as {role} ({permission}): {response.status_code} {location}"
            if allowed:
                assert response.status_code != 403 and not denied_anonymous, where
                assert response.status_code < 500, where
            elif role == policy.ANONYMOUS:
                assert denied_anonymous, where
            elif role in policy.NOT_FOUND_ROLES:  # a provider may not even learn what exists
                assert response.status_code == 404, where
            else:
                assert response.status_code == 403, where
            checked += 1
    assert checked > 200


def test_denials_are_audited_with_the_permission(closed_app):
    with closed_app.app_context():
        client = signed_in(closed_app, "member")
        member = db.session.get(User, client.user_id)
        assert client.get("/admin/users").status_code == 403
        event = db.session.scalars(db.select(AuditEvent).filter_by(action="permission.denied")).one()
        assert (event.actor, event.target, event.outcome, event.detail) == (
            member.email, "/admin/users", "denied", "users.manage")


def test_unknown_permissions_are_refused_when_declared():
    with pytest.raises(KeyError):
        policy.requires("tools.everything")


def test_curators_and_admins_must_enrol_a_second_factor_before_anything_else(closed_app):
    with closed_app.app_context():
        client = signed_in(closed_app, "curator", mfa=False)
        for path in ("/", "/tools/", "/account/"):
            response = client.get(path)
            assert response.status_code == 302 and response.headers["Location"] == "/account/mfa", path
        assert client.get("/account/mfa").status_code == 200


def test_members_may_browse_without_a_second_factor(closed_app):
    with closed_app.app_context():
        client = signed_in(closed_app, "member")
        assert client.get("/tools/").status_code == 200


def test_the_navigation_only_offers_what_the_role_may_open(closed_app):
    member_client, admin_client = signed_in(closed_app, "member"), signed_in(closed_app, "admin")
    anonymous = closed_app.test_client().get("/").get_data(as_text=True)
    assert 'href="/tools/"' not in anonymous and "Apply for access" in anonymous
    html = member_client.get("/").get_data(as_text=True)
    assert 'href="/tools/"' in html and 'href="/admin/vetting"' not in html
    assert 'href="/admin/vetting"' in admin_client.get("/").get_data(as_text=True)
