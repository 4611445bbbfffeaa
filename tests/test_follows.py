"""Following a tool: a member follows a published tool from its page and is told (on the followed-tools page, on
the home page and by e-mail if they chose it) when its entry changes in a way readers see; ``flask alerts send``
finds the changes and never tells anything twice. A follow is private."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from catalogue.curation import proposals, revisions, workflow
from catalogue.extensions import db
from catalogue.models import Setting, Tool, ToolUsage, User
from catalogue.models.base import utcnow
from catalogue.models.workspace import Follow, FollowEvent
from catalogue.workspace import follow_events
from tests.auth import body, csrf_token, outbox, signed_in
from tests.factories import make_agency, make_tools, make_user, tool_record
from tests.test_postgres import SERVER_URL
from tests.test_saved_searches import migrated_postgres, postgres_app  # noqa: F401 - fixtures, for PostgreSQL

PAGE = "/tools/hash-sorter"


@pytest.fixture
def member(app):
    with app.app_context():
        make_tools(tool_record("hash-sorter", name="Hash Sorter", summary="Matches perceptual hashes of images.",
                               technologies=["face-analysis"]))
    return signed_in(app, "member", email="alice@harbour-police.example", name="Alice")


def follow(client, slug: str = "hash-sorter"):
    token = csrf_token(client, "/followed/")
    return client.post("/followed/", data={"csrf_token": token, "tool": slug,
                                           "next": f"/tools/{slug}#follow-actions"})


def follow_id(app, email: str = "alice@harbour-police.example") -> int:
    """The member's follow, dated a minute back so that what happens next in the test comes after it."""
    with app.app_context():
        found = db.session.scalar(db.select(Follow).join(User).where(User.email == email))
        found.created_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        return found.id


def approve_change(app, slug: str = "hash-sorter", **fields) -> None:
    """A curator proposes a change to the published tool and a second curator approves it."""
    with app.app_context():
        taken = db.session.scalar(db.select(db.func.count(User.id)).where(User.role == "curator"))
        author, reviewer = (make_user("curator", email=f"curator{taken + n}@harbour-police.example") for n in (1, 2))
        tool = db.session.scalar(db.select(Tool).filter_by(slug=slug))
        values = {**revisions.snapshot(tool), **fields}
        change = proposals.propose(tool, "edit", values, author, tool.version)
        proposals.approve(change, reviewer, change.version)


def send(runner) -> str:
    result = runner.invoke(args=["alerts", "send"])
    assert result.exit_code == 0, result.output
    return result.output


def changes_on(client) -> str:
    page = client.get("/followed/").get_data(as_text=True)
    return page.split('id="changes-title"')[1].split('id="followed-title"')[0]


def test_a_member_follows_from_the_tool_page_and_comes_back_to_it(app, member):
    page = member.get(PAGE).get_data(as_text=True)
    assert "Follow this tool" in page and "You follow this tool." not in page
    response = follow(member)
    assert response.status_code == 303 and response.headers["Location"] == f"{PAGE}#follow-actions"
    page = member.get(PAGE).get_data(as_text=True)
    assert "You follow “Hash Sorter”." in page and "You follow this tool." in page and "Unfollow" in page
    assert "You already follow" in member.get(follow(member).headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Follow.id))) == 1

    listing = member.get("/followed/").get_data(as_text=True)
    assert "Hash Sorter" in listing.split('id="followed-title"')[1]
    number = follow_id(app)
    token = csrf_token(member, PAGE)
    response = member.post(f"/followed/{number}/unfollow", data={"csrf_token": token, "next": PAGE})
    assert response.status_code == 303 and response.headers["Location"] == PAGE
    page = member.get(PAGE).get_data(as_text=True)
    assert "You no longer follow “Hash Sorter”." in page and "Follow this tool" in page
    assert "You follow no tool yet." in member.get("/followed/").get_data(as_text=True)


@pytest.mark.parametrize("slug", ["archived-tool", "draft-tool", "no-such-tool", "", "x" * 500, "hash-sorter\u2028"])
def test_archived_unpublished_or_unknown_tools_cannot_be_followed(app, member, slug):
    with app.app_context():
        make_tools(tool_record("archived-tool", status="archived"), tool_record("draft-tool", status="draft"))
    response = follow(member, slug)
    assert response.status_code == 303 and response.headers["Location"] == "/followed/"
    assert "Only a tool published in the catalogue can be followed" in member.get("/followed/").get_data(
        as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Follow.id))) == 0


def test_a_follow_is_private_another_members_ids_answer_404(app, member):
    follow(member)
    number = follow_id(app)
    other = signed_in(app, "member", email="bob@harbour-police.example")
    token = csrf_token(other, "/followed/")
    assert other.post(f"/followed/{number}/unfollow", data={"csrf_token": token}).status_code == 404
    assert other.get(f"/followed/{number}/open").status_code == 404
    assert other.get("/followed/999999/open").status_code == 404
    assert "Hash Sorter" not in other.get("/followed/").get_data(as_text=True).split('id="followed-title"')[1]
    assert "You follow this tool." not in other.get(PAGE).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Follow, number) is not None
    assert member.post("/followed/", data={"tool": "hash-sorter"}).status_code == 400  # no CSRF token
    assert member.post("/followed/", data={"csrf_token": token, "tool": "\x00"}).status_code == 400  # refused early
    assert member.post("/followed/email", data={"csrf_token": token, "email": "hourly"}).status_code in (303, 400)


def test_an_approved_change_is_told_once_with_the_fields_that_differ(app, member, runner):
    follow(member)
    follow_id(app)
    member.post("/followed/email", data={"csrf_token": csrf_token(member, "/followed/"), "email": "immediate"})
    approve_change(app, summary="Matches perceptual hashes of images and videos.", website="https://hash.example")
    assert "1 new changes for 1 members" in send(runner)
    changes = changes_on(member)
    assert "Hash Sorter" in changes and "A change was published: Website, Summary." in changes
    mails = [m for m in outbox(app) if m["Subject"] == "Changes to tools you follow"]
    assert len(mails) == 1 and mails[0]["To"] == "alice@harbour-police.example"
    assert "Hash Sorter: A change was published: Website, Summary." in body(mails[0])
    assert "/followed/" in body(mails[0])

    assert "0 new changes" in send(runner)
    assert len([m for m in outbox(app) if m["Subject"] == "Changes to tools you follow"]) == 1
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(FollowEvent.id))) == 1
        db.session.execute(db.delete(Setting).where(
            Setting.key == follow_events.CHECKED_UNTIL))  # a run that looks at everything again
        db.session.commit()
    assert "0 new changes" in send(runner)

    home = member.get("/").get_data(as_text=True)
    followed = re.search(r'aria-labelledby="dash-followed">(.*?)</section>', home, re.S).group(1)
    assert "Hash Sorter" in followed and "1 change" in followed
    opened = member.get(re.search(r'href="(/followed/\d+/open)"', followed).group(1))
    assert opened.status_code == 303 and opened.headers["Location"] == PAGE
    assert "Nothing new." in changes_on(member)


def test_archived_stale_guidance_and_agency_use_are_told_to_followers_only(app, member, runner):
    other = signed_in(app, "member", email="bob@harbour-police.example")
    follow(member)
    follow_id(app)
    with app.app_context():
        tool = db.session.scalar(db.select(Tool).filter_by(slug="hash-sorter"))
        tool.last_reviewed = date.today() - timedelta(days=800)  # long before the follow: no "became stale"
        db.session.commit()
        agency = make_agency("nordhafen", domains=("nordhafen.example",), country="DE", name="Nordhafen Police")
        db.session.add(ToolUsage(agency=agency, tool=tool))
        db.session.commit()
    from tests.test_guidance import publish_guidance
    publish_guidance(app, title="Checking face matches", technologies=["face-analysis"])
    send(runner)
    changes = changes_on(member)
    assert "Nordhafen Police now records that it uses this tool." in changes
    assert "New guidance applies to it: “Checking face matches”." in changes
    assert "Due for verification" not in changes
    assert "Nothing new." in changes_on(other)  # bob follows nothing
    assert not outbox(app)  # e-mail is off by default

    with app.app_context():
        curator = make_user("curator")
        tool = db.session.scalar(db.select(Tool).filter_by(slug="hash-sorter"))
        workflow.archive(tool, curator, tool.version, "The vendor stopped the product.")
    send(runner)
    changes = changes_on(member)
    assert "Archived: the entry is no longer in the catalogue." in changes
    assert '<a href="/followed/' not in changes.split("Archived")[0].rsplit("<li", 1)[1]  # no link to a gone page
    assert "No longer in the catalogue" in member.get("/followed/").get_data(as_text=True)


def test_a_tool_that_becomes_stale_after_the_follow_is_told(app, member, runner):
    follow(member)
    number = follow_id(app)
    months = app.config["CATALOGUE_STALE_AFTER_MONTHS"]
    with app.app_context():
        tool = db.session.scalar(db.select(Tool).filter_by(slug="hash-sorter"))
        tool.last_reviewed = date.today() - timedelta(days=31 * months + 2)
        db.session.get(Follow, number).created_at = utcnow() - timedelta(days=30)
        db.session.commit()
        assert follow_events.became_stale_on(tool.last_reviewed) <= date.today()
    send(runner)
    send(runner)
    assert changes_on(member).count("Due for verification") == 1


def test_agency_use_is_not_told_to_someone_who_may_not_read_the_directory(app, member):
    from catalogue.workspace import follows

    follow(member)
    follow_id(app)
    with app.app_context():
        tool = db.session.scalar(db.select(Tool).filter_by(slug="hash-sorter"))
        usage = ToolUsage(agency=make_agency("nordhafen", domains=("nordhafen.example",), country="DE"), tool=tool)
        db.session.add(usage)
        db.session.commit()
        alice = db.session.scalar(db.select(User).filter_by(email="alice@harbour-police.example"))
        follow_events.run()
        events = list(db.session.scalars(db.select(FollowEvent)))
        assert [e.kind for e in events] == ["usage"]
        assert len(follows.shown(events, alice)) == 1
        alice.role = "pending"  # no longer a member: the directory is closed to them, and so is its news
        assert follows.shown(events, alice) == []
        db.session.delete(usage)  # and a usage record that is gone is not shown either
        db.session.commit()
        alice.role = "member"
        assert follows.shown(list(db.session.scalars(db.select(FollowEvent))), alice) == []


@pytest.mark.skipif(not SERVER_URL, reason="TEST_POSTGRES_URL is not set")
def test_changes_on_postgresql_are_stored_once(migrated_postgres):  # noqa: F811 - the fixture imported above
    app = migrated_postgres
    with app.app_context():
        make_tools(tool_record("hash-sorter", name="Hash Sorter"))
    member = signed_in(app, "member", email="alice@harbour-police.example", name="Alice")
    follow(member)
    follow_id(app)
    approve_change(app, summary="Matches hashes of images and videos.")
    with app.app_context():
        first, second = follow_events.run(), follow_events.run()
        assert (first.events, second.events) == (1, 0)
        [event] = db.session.scalars(db.select(FollowEvent))
        assert event.kind == "changed" and event.details == {"fields": ["summary"]}
    assert "A change was published: Summary." in changes_on(member)
