"""Four eyes on every change a reader sees: a published entry changes only when a second curator approves.

Every edit route for tools and guidance pages is walked here: the editor, restoring a revision, saving and deleting a
translation; each leaves the public page, search and the database's published text as they were until another
curator approves (or, with self-approval on, until the author approves it, marked as self-approved)."""

from __future__ import annotations

import re

import pytest
from flask import url_for

from catalogue.curation import revisions
from catalogue.curation.kinds import KINDS
from catalogue.entry_translations.kinds import translated_of
from catalogue.extensions import db
from catalogue.models import AuditEvent, ProposedChange, ToolRevision, ToolTranslation
from tests.auth import csrf_token, signed_in
from tests.curation_helpers import approve, create_draft, curator_clients, editor_data, post_step, tool, version_on
from tests.test_guidance import guidance_data, publish_guidance

OLD = "Ranks chat logs for grooming risk."
NEW = "Ranks chat logs with a claimed ninety-nine percent accuracy."


def published_tool(app):
    alice, bob = curator_clients(app, "alice@harbour-police.example", "bob@harbour-police.example")
    tool_id = create_draft(alice)
    assert post_step(alice, tool_id, "submit").status_code == 303
    assert approve(bob, tool_id).status_code == 303
    return alice, bob, tool_id


def edit(client, tool_id: int, kind: str = "tools", data=None, **fields):
    path = f"/curation/{kind}/{tool_id}/edit"
    page = client.get(path).get_data(as_text=True)
    change = re.search(r'name="change_version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="change_version"', page)
    form = {**(data or editor_data()), **fields, "csrf_token": csrf_token(client, path),
            "version": version_on(client, path)}
    if change:
        form["change_version"] = change.group(1) or change.group(2)
    return client.post(path, data=form)


def change_id(response) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def decide(client, number: int, step: str, **data):
    page = f"/curation/changes/{number}"
    prefix = {"return": "return-", "withdraw": "withdraw-"}.get(step, "")
    fields = {f"{prefix}csrf_token": csrf_token(client, page), f"{prefix}version": version_on(client, page),
              **{f"{prefix}{key}": value for key, value in data.items()}}
    return client.post(f"{page}/{step}", data=fields)


def member(app):
    if not hasattr(app, "member_client"):
        app.member_client = signed_in(app, "member")
    return app.member_client


def public(app, path: str = "/tools/harbour-chat-triage") -> str:
    return member(app).get(path).get_data(as_text=True)


def found(app, words: str) -> bool:
    return "/tools/harbour-chat-triage" in public(app, f"/tools/?q={words}")


def test_an_edit_to_a_published_tool_waits_for_a_second_curator_then_goes_live(app):
    alice, bob, tool_id = published_tool(app)
    number = change_id(edit(alice, tool_id, summary=NEW, note="Vendor claims better accuracy"))
    assert tool(app, tool_id).summary == OLD
    assert OLD in public(app) and NEW not in public(app)
    assert found(app, "grooming") and not found(app, "ninety")

    page = alice.get(f"/curation/changes/{number}").get_data(as_text=True)
    assert "You wrote part of this change" in page and "Vendor claims better accuracy" in page
    assert decide(alice, number, "approve").status_code == 409  # the author cannot approve it
    assert tool(app, tool_id).summary == OLD

    review = bob.get(f"/curation/changes/{number}").get_data(as_text=True)
    assert "Summary" in review and "<ins>" in review and "Vendor claims better accuracy" in review
    assert "This change re-verifies the entry" in review
    assert decide(bob, number, "approve").status_code == 303
    assert NEW in public(app) and found(app, "ninety")
    updated = tool(app, tool_id)
    assert updated.last_reviewed.isoformat() == "2026-01-15"  # not re-verified: "Last verified" keeps its date
    with app.app_context():
        actions = [r.action for r in db.session.scalars(db.select(ToolRevision).filter_by(tool_id=tool_id)
                                                         .order_by(ToolRevision.number))]
        assert actions[-2:] == ["edited", "approved"]
        assert db.session.get(ProposedChange, number).status == "approved"


def test_the_reviewer_may_record_a_new_verification_with_the_change(app):
    alice, bob, tool_id = published_tool(app)
    number = change_id(edit(alice, tool_id, description="It ranks chats *fast*."))
    assert decide(bob, number, "approve", reverifies="y").status_code == 303
    assert tool(app, tool_id).last_reviewed.isoformat() != "2026-01-15"


def test_a_curator_who_continued_the_change_cannot_approve_it_either(app):
    alice, bob, tool_id = published_tool(app)
    number = change_id(edit(alice, tool_id, summary=NEW))
    continuing = bob.get(f"/curation/tools/{tool_id}/edit").get_data(as_text=True)
    assert "You are continuing it" in continuing and NEW in continuing
    assert change_id(edit(bob, tool_id, summary=NEW + " Second look.")) == number
    (carol,) = curator_clients(app, "carol@harbour-police.example")
    assert decide(bob, number, "approve").status_code == 409
    assert decide(carol, number, "approve").status_code == 303
    assert tool(app, tool_id).summary == NEW + " Second look."


def test_a_second_editor_with_an_older_form_is_told_and_offered_to_continue(app):
    alice, bob, tool_id = published_tool(app)
    path = f"/curation/tools/{tool_id}/edit"
    stale = {**editor_data(summary="Bob's version"), "csrf_token": csrf_token(bob, path),
             "version": version_on(bob, path)}
    change_id(edit(alice, tool_id, summary=NEW))
    response = bob.post(path, data=stale)
    assert response.status_code == 409
    assert "Continue the proposed change" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(ProposedChange.id))) == 1
    assert tool(app, tool_id).summary == OLD


def test_returning_keeps_the_live_entry_and_tells_the_author_why(app):
    alice, bob, tool_id = published_tool(app)
    number = change_id(edit(alice, tool_id, summary=NEW))
    assert decide(bob, number, "return", note="Name the evaluation behind this figure.").status_code == 303
    assert tool(app, tool_id).summary == OLD
    entry = alice.get(f"/curation/tools/{tool_id}").get_data(as_text=True)
    assert "Your proposed change was returned" in entry and "Name the evaluation behind this figure." in entry


def test_the_author_can_withdraw_and_then_edit_again(app):
    alice, bob, tool_id = published_tool(app)
    number = change_id(edit(alice, tool_id, summary=NEW))
    assert decide(bob, number, "withdraw").status_code == 409  # not an author
    assert decide(alice, number, "withdraw").status_code == 303
    assert change_id(edit(alice, tool_id, summary=NEW)) != number
    assert tool(app, tool_id).summary == OLD


def test_restoring_a_revision_of_a_published_tool_is_proposed(app):
    alice, bob, tool_id = published_tool(app)
    number = change_id(edit(alice, tool_id, summary=NEW))
    assert decide(bob, number, "approve").status_code == 303
    page = f"/curation/tools/{tool_id}/revisions/1"
    response = bob.post(f"{page}/restore", data={"csrf_token": csrf_token(bob, page), "version": version_on(bob, page)})
    restore = change_id(response)
    assert tool(app, tool_id).summary == NEW
    assert decide(bob, restore, "approve").status_code == 409
    assert decide(alice, restore, "approve").status_code == 303
    assert tool(app, tool_id).summary == OLD


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}"[^>]*value="(\d*)"|value="(\d*)"[^>]*name="{name}"', page)
    return (found.group(1) or found.group(2) or "") if found else ""


def translate(client, tool_id: int, language: str = "fr", delete: bool = False, page: str | None = None,
              summary: str = "Classe les conversations."):
    """Post the translation form (or its delete form) with the versions of the page loaded now, or of ``page``."""
    path = f"/curation/tools/{tool_id}/translations/{language}"
    page = page or client.get(path).get_data(as_text=True)
    if delete:
        return client.post(f"{path}/delete", data={"delete-csrf_token": csrf_token(client, path),
                                                   "delete-version": hidden(page, "delete-version"),
                                                   "delete-change_version": hidden(page, "delete-change_version")})
    return client.post(path, data={"csrf_token": csrf_token(client, path), "version": hidden(page, "version"),
                                   "change_version": hidden(page, "change_version"),
                                   "summary": summary, "description": "Il **classe**.",
                                   "responsible_use": "Garder un humain."})


def test_two_translators_at_once_never_overwrite_each_others_proposed_change(app):
    alice, bob, tool_id = published_tool(app)
    (carol,) = curator_clients(app, "carol@harbour-police.example")
    path = f"/curation/tools/{tool_id}/translations/fr"
    alice_page, carol_page = alice.get(path).get_data(as_text=True), carol.get(path).get_data(as_text=True)
    assert translate(alice, tool_id, page=alice_page, summary="Version d'Alice.").status_code == 303

    late = translate(carol, tool_id, page=carol_page, summary="Version de Carol.")
    html = late.get_data(as_text=True)
    assert late.status_code == 409
    assert "Another curator proposed a change to this translation" in html and "Version de Carol." in html
    with app.app_context():
        change = db.session.scalar(db.select(ProposedChange).filter_by(language="fr", status="open"))
        assert change.values["summary"] == "Version d'Alice."

    assert translate(carol, tool_id, page=html, summary="Version de Carol.").status_code == 303  # continues it
    with app.app_context():
        change = db.session.scalar(db.select(ProposedChange).filter_by(language="fr", status="open"))
        assert change.values["summary"] == "Version de Carol." and len(change.authors) == 2
    assert decide(bob, change.id, "approve").status_code == 303


def translations(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(ToolTranslation.id)))


def test_a_translation_of_a_published_tool_and_its_deletion_wait_for_review(app):
    alice, bob, tool_id = published_tool(app)
    assert translate(alice, tool_id).status_code == 303
    assert translations(app) == 0
    with app.app_context():
        number = db.session.scalar(db.select(ProposedChange.id).filter_by(language="fr", status="open"))
    assert decide(alice, number, "approve").status_code == 409  # the translator
    assert decide(bob, number, "approve").status_code == 303
    assert translations(app) == 1

    assert translate(bob, tool_id, delete=True).status_code == 303
    assert translations(app) == 1
    with app.app_context():
        number = db.session.scalar(db.select(ProposedChange.id).filter_by(language="fr", status="open"))
    assert decide(bob, number, "approve").status_code == 409
    assert decide(alice, number, "approve").status_code == 303
    assert translations(app) == 0


def test_a_published_guidance_page_changes_only_after_review(app):
    page_id = publish_guidance(app)
    writer, reviewer = (signed_in(app, email) for email in ("writer0@harbour-police.example",
                                                            "reviewer0@harbour-police.example"))
    data = guidance_data(summary="A new summary nobody reviewed.")
    number = change_id(edit(writer, page_id, kind="guidance", data=data))
    slug = re.search(r"/guidance/([a-z0-9-]+)</code>", writer.get(f"/curation/guidance/{page_id}")
                     .get_data(as_text=True)).group(1)
    assert "A new summary nobody reviewed." not in public(app, f"/guidance/{slug}")
    assert decide(writer, number, "approve").status_code == 409
    assert decide(reviewer, number, "approve").status_code == 303
    assert "A new summary nobody reviewed." in public(app, f"/guidance/{slug}")


def test_with_self_approval_on_the_author_may_approve_and_it_is_marked(app):
    alice, _bob, tool_id = published_tool(app)
    admin = signed_in(app, "admin")
    assert admin.post("/curation/settings", data={"csrf_token": csrf_token(admin, "/curation/settings"),
                                                  "allow_self_approval": "y"}).status_code == 303
    number = change_id(edit(alice, tool_id, summary=NEW))
    assert decide(alice, number, "approve").status_code == 303
    assert NEW in public(app)
    with app.app_context():
        assert db.session.get(ProposedChange, number).self_approved
        approval = db.session.scalars(db.select(AuditEvent).filter_by(action="tool.approve")
                                      .order_by(AuditEvent.id.desc())).first()
        assert "self-approved" in approval.detail
        assert "self-approved" in db.session.scalars(db.select(ToolRevision).filter_by(tool_id=tool_id)
                                                     .order_by(ToolRevision.number.desc())).first().note


def test_an_author_cannot_approve_text_they_wrote_when_someone_else_submitted_it(app):
    alice, bob = curator_clients(app, "alice@harbour-police.example", "bob@harbour-police.example")
    tool_id = create_draft(alice)
    assert post_step(bob, tool_id, "submit").status_code == 303
    assert approve(alice, tool_id).status_code == 409
    assert tool(app, tool_id).status == "in_review"


def test_a_renamed_tool_answers_301_at_its_old_address_which_no_one_else_may_take(app):
    alice, bob, tool_id = published_tool(app)
    number = change_id(edit(alice, tool_id, slug="harbour-chat-ranker"))
    assert member(app).get("/tools/harbour-chat-triage").status_code == 200
    assert decide(bob, number, "approve").status_code == 303
    moved = member(app).get("/tools/harbour-chat-triage")
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/tools/harbour-chat-ranker")
    response = alice.post("/curation/tools/new", data={**editor_data(name="Other", slug="harbour-chat-triage",
                                                                       website="https://other.example"),
                                                        "csrf_token": csrf_token(alice, "/curation/tools/new")})
    assert response.status_code == 409


def test_line_breaks_as_browsers_send_them_are_no_change(app):
    """Browsers send a textarea's line breaks as CRLF: an untouched multi-line field must not count as changed, nor
    put carriage returns into published text."""
    alice, bob, tool_id = published_tool(app)
    stored = "First paragraph.\n\nSecond paragraph."
    number = change_id(edit(alice, tool_id, description=stored))
    assert decide(bob, number, "approve").status_code == 303
    number = change_id(edit(alice, tool_id, summary=NEW, description=stored.replace("\n", "\r\n")))
    review = bob.get(f"/curation/changes/{number}").get_data(as_text=True)
    assert "Summary" in review and "Description" not in review
    assert decide(bob, number, "approve").status_code == 303
    assert "\r" not in tool(app, tool_id).description


def test_the_author_reads_the_reason_for_a_return_on_their_dashboard(app):
    alice, bob, tool_id = published_tool(app)
    number = change_id(edit(alice, tool_id, summary=NEW))
    assert decide(bob, number, "return", note="Which evaluation says ninety-nine percent? Add it as a source.")\
        .status_code == 303
    dashboard = alice.get("/curation/").get_data(as_text=True)
    assert "Your proposed changes that were returned" in dashboard
    assert "Which evaluation says ninety-nine percent? Add it as a source." in dashboard
    assert f'href="/curation/changes/{number}"' in dashboard
    assert "Your proposed changes that were returned" not in bob.get("/curation/").get_data(as_text=True)


def test_a_reviewer_sees_a_changed_translation_as_a_word_diff(app):
    alice, bob, tool_id = published_tool(app)
    assert translate(alice, tool_id, summary="Classe les conversations.").status_code == 303
    with app.app_context():
        first = db.session.scalar(db.select(ProposedChange.id).filter_by(language="fr", status="open"))
    assert decide(bob, first, "approve").status_code == 303

    assert translate(alice, tool_id, summary="Classe les messages.").status_code == 303
    with app.app_context():
        second = db.session.scalar(db.select(ProposedChange.id).filter_by(language="fr", status="open"))
    review = bob.get(f"/curation/changes/{second}").get_data(as_text=True)
    assert "<del>conversations.</del>" in review and "<ins>messages.</ins>" in review
    assert "Responsible use" not in review.split("The whole proposed translation")[0].split("Published and proposed")[1]


def _published_content(app, kind: str, entry_id: int) -> dict:
    """What readers of a published entry get: its content fields, its translations, and whether it is shown."""
    entry_kind = KINDS[kind]
    with app.app_context():
        entry = db.session.get(entry_kind.model, entry_id)
        content = {name: value for name, value in revisions.snapshot(entry).items()
                   if name in entry_kind.content.CONTENT_FIELDS}
        content["slug"] = entry.slug
        shown = entry.status == "published"
        model = translated_of(entry).model
        rows = db.session.scalars(db.select(model).filter_by(entry_id=entry_id))
        content["translations"] = sorted((t.language, t.summary) for t in rows)
    return {"shown": shown, "content": content}


#: Everything an editor, translation or workflow form of either kind could carry.
EVERY_FIELD = {**editor_data(summary=NEW, slug="renamed-by-one-curator", note="one curator alone"),
               **guidance_data(summary=NEW, slug="renamed-by-one-curator", title="Titre", body="Texte."),
               "purposes": ["grooming-detection"], "criteria": ["1", "2", "3", "4"], "sources": "Vendor",
               "verified_on": "2026-01-15",
               "reverifies": "y", "reason": "x", "comments": "x", "description": "Il **classe**.",
               "responsible_use": "Garder un humain.", "sources-0-title": "Claim",
               "sources-0-reference": "https://vendor.example", "sources-0-kind": "vendor"}


def _published_with_translation(app, kind: str):
    """A published entry of ``kind`` with a published French translation, and its two curators."""
    if kind == "tools":
        author, reviewer, entry_id = published_tool(app)
    else:
        entry_id = publish_guidance(app)
        author, reviewer = (signed_in(app, email) for email in ("writer0@harbour-police.example",
                                                                 "reviewer0@harbour-police.example"))
    path = f"/curation/{kind}/{entry_id}/translations/fr"
    page = author.get(path).get_data(as_text=True)
    assert author.post(path, data={"csrf_token": csrf_token(author, path), "version": hidden(page, "version"),
                                   "title": "Titre publié", "summary": "Publiée.", "body": "Texte publié.",
                                   "description": "Il classe.", "responsible_use": "Garder un humain."}
                       ).status_code == 303
    with app.app_context():
        first = db.session.scalar(db.select(ProposedChange.id).filter_by(language="fr", status="open"))
    assert decide(reviewer, first, "approve").status_code == 303
    return author, entry_id


@pytest.mark.parametrize("kind", ["tools", "guidance"])
def test_no_post_route_lets_one_curator_change_what_readers_of_a_published_entry_see(app, kind):
    """Every state-changing curation route that names an entry, posted by one curator with everything a form could
    carry: the published text, address and translations stay as they were (taking the entry away from readers,
    which unpublishing and archiving do on purpose, is not changing what they read)."""
    alice, entry_id = _published_with_translation(app, kind)
    before = _published_content(app, kind, entry_id)
    taking_away = ("curation.unpublish", "curation.archive")
    posted = (rule for rule in app.url_map.iter_rules() if "POST" in rule.methods and "entry_id" in rule.arguments)
    rules = sorted(posted, key=lambda rule: rule.endpoint in taking_away)
    assert len(rules) >= 10, [rule.rule for rule in rules]
    statuses = {}
    for rule in rules:
        _withdraw_open_changes(app)  # so each route meets the entry as a curator would, without a change in the way
        values = {"kind": kind, "entry_id": entry_id, "language": "fr", "number": 1}
        with app.test_request_context():
            path = url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})
        shown = path if "GET" in rule.methods else path.rsplit("/", 1)[0]  # the page whose form posts here
        page = alice.get(shown).get_data(as_text=True)
        data = dict(EVERY_FIELD)
        token = csrf_token(alice, f"/curation/{kind}/{entry_id}")
        for prefix in ("", "unpublish-", "archive-", "reopen-", "delete-", "return-", "withdraw-"):
            data.update({f"{prefix}csrf_token": token, f"{prefix}note": "x",  # the versions that page's forms carry
                         f"{prefix}version": hidden(page, f"{prefix}version") or hidden(page, "version"),
                         f"{prefix}change_version": hidden(page, f"{prefix}change_version")})
        response = alice.post(path, data=data)
        assert response.status_code < 500, (rule.rule, response.status_code)
        statuses[rule.endpoint] = response.status_code
        after = _published_content(app, kind, entry_id)
        if not after["shown"]:
            assert rule.endpoint in taking_away, rule.rule
            assert after["content"] == before["content"], rule.rule
            break  # taken away from readers: nothing left to change for them
        assert after == before, rule.rule
    assert statuses["curation.edit_entry"] == 303 and statuses["entry_translations.edit"] == 303  # proposed
    assert statuses["curation.restore"] == 303 and statuses["entry_translations.delete"] == 303


def _withdraw_open_changes(app) -> None:
    with app.app_context():
        for change in db.session.scalars(db.select(ProposedChange).filter_by(status="open")):
            change.status, change.open_key = "withdrawn", None
        db.session.commit()
