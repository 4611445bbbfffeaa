"""What administrators do: vet applicants, change roles, deactivate, manage agencies, read the audit log."""

from __future__ import annotations

import csv
import io

import pytest

from catalogue.extensions import db
from catalogue.models import Agency, AuditEvent, User
from catalogue.models.audit import AuditLogIsAppendOnly
from tests.auth import body, csrf_token, outbox, sign_in, signed_in
from tests.factories import PASSWORD, make_agency, make_user


@pytest.fixture
def admin_client(closed_app):
    with closed_app.app_context():
        return signed_in(closed_app, "admin", email="admin@harbour-police.example", agency=make_agency())


def applicant(app, email="amal@harbour-police.example", agency_slug="harbour-police", proposed=None, verified=True):
    with app.app_context():
        agency = db.session.scalar(db.select(Agency).filter_by(slug=agency_slug)) if agency_slug else None
        user = make_user(
            "pending",
            email=email,
            agency=agency,
            name="Amal Haddad",
            position="Analyst",
            justification="I need to compare triage tools for my unit.",
            proposed_agency=proposed,
        )
        if not verified:
            user.email_verified_at = None
            db.session.commit()
        return user.id


def fetch(app, model, **by):
    with app.app_context():
        row = db.session.scalar(db.select(model).filter_by(**by))
        if row is not None:
            db.session.expunge(row)
        return row


def test_the_queue_lists_verified_applicants_with_warnings(closed_app, admin_client):
    applicant(closed_app, email="amal@gmail.example")
    applicant(
        closed_app,
        email="new@lakeside.example",
        agency_slug=None,
        proposed={
            "name": "Lakeside Cyber Unit",
            "country": "KE",
            "kind": "police",
            "domain": "lakeside-police.example",
        },
    )
    applicant(closed_app, email="late@harbour-police.example", verified=False)
    html = admin_client.get("/admin/vetting").get_data(as_text=True)
    assert "2 applications are waiting." in html
    assert "1 more applicant has not confirmed their e-mail address yet." in html
    assert "The e-mail domain gmail.example is not one of Harbour Police&#39;s domains." in html
    assert "New agency: Lakeside Cyber Unit is not in the directory yet." in html
    assert "does not match the agency domain they gave (lakeside-police.example)" in html
    assert "late@harbour-police.example" not in html


def test_approving_makes_a_member_tells_them_and_is_audited(closed_app, admin_client):
    user_id = applicant(closed_app)
    response = admin_client.post(
        f"/admin/vetting/{user_id}/approve",
        data={"point_of_contact": "y", "csrf_token": csrf_token(admin_client, "/admin/vetting")},
    )
    assert response.status_code == 303
    user = fetch(closed_app, User, id=user_id)
    assert user.role == "member" and user.point_of_contact and user.vetted_at
    [message] = outbox(closed_app)
    assert message["To"] == "amal@harbour-police.example" and "approved" in body(message)
    assert fetch(closed_app, AuditEvent, action="vetting.approve").target == "user:amal@harbour-police.example"
    assert (
        admin_client.post(
            f"/admin/vetting/{user_id}/approve", data={"csrf_token": csrf_token(admin_client, "/admin/vetting")}
        ).status_code
        == 404
    )


def test_approving_an_applicant_from_a_new_agency_creates_the_agency(closed_app, admin_client):
    user_id = applicant(
        closed_app,
        email="new@lakeside.example",
        agency_slug=None,
        proposed={"name": "Lakeside Cyber Unit", "country": "KE", "kind": "police", "domain": "lakeside.example"},
    )
    admin_client.post(
        f"/admin/vetting/{user_id}/approve", data={"csrf_token": csrf_token(admin_client, "/admin/users")}
    )
    agency = fetch(closed_app, Agency, slug="lakeside-cyber-unit")
    assert (agency.name, agency.country, agency.domains) == ("Lakeside Cyber Unit", "KE", ["lakeside.example"])
    assert fetch(closed_app, User, id=user_id).agency_id == agency.id


def test_rejecting_needs_a_reason_which_the_applicant_receives(closed_app, admin_client):
    user_id = applicant(closed_app)
    path = f"/admin/vetting/{user_id}/reject"
    empty = admin_client.post(path, data={"reason": "", "csrf_token": csrf_token(admin_client, path)})
    assert empty.status_code == 400 and fetch(closed_app, User, id=user_id).active
    response = admin_client.post(
        path,
        data={
            "reason": "We could not confirm your post with your agency.",
            "csrf_token": csrf_token(admin_client, path),
        },
    )
    assert response.status_code == 303
    assert not fetch(closed_app, User, id=user_id).active
    assert "We could not confirm your post with your agency." in body(outbox(closed_app)[0])
    assert sign_in(closed_app.test_client(), "amal@harbour-police.example", PASSWORD).status_code == 200


def test_a_role_change_signs_the_person_out_and_their_next_request_is_refused(closed_app, admin_client):
    with closed_app.app_context():
        other_admin = make_user("admin", email="second@harbour-police.example")
        other_id = other_admin.id
    demoted = signed_in(closed_app, other_id)
    assert demoted.get("/admin/users").status_code == 200
    response = admin_client.post(
        f"/admin/users/{other_id}",
        data={"role": "member", "agency": "", "csrf_token": csrf_token(admin_client, f"/admin/users/{other_id}")},
    )
    assert response.status_code == 303
    assert fetch(closed_app, User, id=other_id).role == "member"
    refused = demoted.get("/admin/users")
    assert refused.status_code == 302 and refused.headers["Location"].startswith("/account/sign-in")
    assert fetch(closed_app, AuditEvent, action="user.role_change").detail == "admin → member"


def test_the_last_administrator_cannot_be_demoted_or_deactivated(closed_app, admin_client):
    me = fetch(closed_app, User, email="admin@harbour-police.example")
    token = csrf_token(admin_client, f"/admin/users/{me.id}")
    admin_client.post(f"/admin/users/{me.id}", data={"role": "member", "csrf_token": token})
    response = admin_client.post(
        f"/admin/users/{me.id}/deactivate", data={"reason": "test", "csrf_token": token}, follow_redirects=True
    )
    assert "the only active administrator" in response.get_data(as_text=True)
    me = fetch(closed_app, User, id=me.id)
    assert me.role == "admin" and me.active


def test_deactivation_ends_sessions_and_sign_in(closed_app, admin_client):
    member = signed_in(closed_app, "member", email="member@harbour-police.example")
    user_id = member.user_id
    assert member.get("/tools/").status_code == 200
    path = f"/admin/users/{user_id}/deactivate"
    admin_client.post(path, data={"reason": "Left the unit", "csrf_token": csrf_token(admin_client, "/admin/users")})
    assert member.get("/tools/").status_code == 302
    assert "not active" in sign_in(closed_app.test_client(), "member@harbour-police.example", PASSWORD).get_data(
        as_text=True
    )
    admin_client.post(
        f"/admin/users/{user_id}/reactivate", data={"csrf_token": csrf_token(admin_client, "/admin/users")}
    )
    assert sign_in(closed_app.test_client(), "member@harbour-police.example", PASSWORD).status_code == 303


def test_the_people_list_filters(closed_app, admin_client):
    with closed_app.app_context():
        make_user("curator", email="curator@harbour-police.example", name="Chen Wei")
        make_user("member", email="member@harbour-police.example", name="Sofia Ruiz", active=False)
    assert "Chen Wei" in admin_client.get("/admin/users?role=curator").get_data(as_text=True)
    assert "Sofia Ruiz" not in admin_client.get("/admin/users?role=curator").get_data(as_text=True)
    html = admin_client.get("/admin/users?status=deactivated").get_data(as_text=True)
    assert "Sofia Ruiz" in html and "Chen Wei" not in html
    assert "Chen Wei" in admin_client.get("/admin/users?q=chen").get_data(as_text=True)
    assert admin_client.get("/admin/users?role=emperor&page=-3").status_code == 200


def test_agencies_are_added_and_edited_with_validated_domains(closed_app, admin_client):
    token = csrf_token(admin_client, "/admin/agencies/new")
    bad = admin_client.post(
        "/admin/agencies/new",
        data={
            "name": "Riverside Unit",
            "country": "ES",
            "kind": "police",
            "domains": "not a domain!",
            "csrf_token": token,
        },
    )
    assert bad.status_code == 400 and "is not a domain name" in bad.get_data(as_text=True)
    assert 'value="Riverside Unit"' in bad.get_data(as_text=True)
    ok = admin_client.post(
        "/admin/agencies/new",
        data={
            "name": "Riverside Unit",
            "country": "ES",
            "kind": "hotline",
            "domains": "riverside.example, @Unit.Riverside.example",
            "csrf_token": token,
        },
    )
    assert ok.status_code == 303
    agency = fetch(closed_app, Agency, slug="riverside-unit")
    assert agency.domains == ["riverside.example", "unit.riverside.example"] and agency.kind == "hotline"
    admin_client.post(
        f"/admin/agencies/{agency.id}",
        data={
            "name": "Riverside Hotline",
            "country": "ES",
            "kind": "hotline",
            "domains": "riverside.example",
            "csrf_token": token,
        },
    )
    assert fetch(closed_app, Agency, id=agency.id).name == "Riverside Hotline"
    assert "Riverside Hotline" in admin_client.get("/admin/agencies").get_data(as_text=True)
    assert admin_client.get("/admin/agencies/9999").status_code == 404


def test_the_audit_log_filters_and_exports_csv_that_spreadsheets_cannot_run(closed_app, admin_client):
    with closed_app.app_context():
        make_user("member", email='=hyperlink("http://evil.example")@x.example')
    sign_in(closed_app.test_client(), '=hyperlink("http://evil.example")@x.example', "wrong password here")
    sign_in(closed_app.test_client(), "<script>alert(1)</script>@x.example", "wrong password here")
    html = admin_client.get("/admin/audit?action=sign_in&outcome=failure").get_data(as_text=True)
    assert "=hyperlink(&#34;http://evil.example&#34;)@x.example" in html
    assert "unknown:&lt;script&gt;alert(1)&lt;/script&gt;@x.example" in html and "<script>" not in html
    response = admin_client.get("/admin/audit.csv?action=sign_in")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["time_utc", "actor", "ip", "action", "target", "outcome", "detail"]
    assert rows[2][4] == '\'=hyperlink("http://evil.example")@x.example' and rows[2][5] == "failure"
    assert admin_client.get("/admin/audit?since=not-a-date").status_code == 200


def test_audit_events_cannot_be_changed_or_deleted(closed_app, admin_client):
    admin_client.get("/admin/users")
    sign_in(closed_app.test_client(), "nobody@x.example", "wrong password here")
    with closed_app.app_context():
        event = db.session.scalars(db.select(AuditEvent)).first()
        event.outcome = "tampered"
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.commit()
        db.session.rollback()
        db.session.delete(db.session.scalars(db.select(AuditEvent)).first())
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.commit()


def test_an_admin_can_reset_a_lost_second_factor(closed_app, admin_client):
    with closed_app.app_context():
        curator = make_user("curator", email="curator@harbour-police.example")
        curator_id = curator.id
    response = admin_client.post(f"/admin/users/{curator_id}/reset-mfa",
                                 data={"csrf_token": csrf_token(admin_client, "/admin/users")})
    assert response.status_code == 303
    assert fetch(closed_app, User, id=curator_id).mfa_secret is None
    assert fetch(closed_app, AuditEvent, action="mfa.reset").target == "user:curator@harbour-police.example"
    client = signed_in(closed_app, "curator@harbour-police.example", through_form=True)  # no code any more
    assert client.get("/tools/").headers["Location"] == "/account/mfa"


def test_a_pending_account_cannot_be_promoted_past_the_vetting_queue(closed_app, admin_client):
    user_id = applicant(closed_app, verified=False)
    response = admin_client.post(f"/admin/users/{user_id}", data={
        "role": "admin", "csrf_token": csrf_token(admin_client, "/admin/users")}, follow_redirects=True)
    assert "decide in the vetting queue" in response.get_data(as_text=True)
    assert fetch(closed_app, User, id=user_id).role == "pending"


def test_people_search_treats_percent_and_underscore_as_text(closed_app, admin_client):
    with closed_app.app_context():
        make_user("member", email="member@harbour-police.example", name="Sofia Ruiz")
    assert "Sofia Ruiz" in admin_client.get("/admin/users?q=sofia").get_data(as_text=True)
    assert "Sofia Ruiz" not in admin_client.get("/admin/users?q=%25").get_data(as_text=True)
    assert "Sofia Ruiz" not in admin_client.get("/admin/users?q=s_fia").get_data(as_text=True)
