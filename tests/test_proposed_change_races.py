"""Two curators proposing a change to the same published entry at the same moment: one proposed change is opened,
the other curator is told (409, "continue the open one") with what they typed in the editor, never a 500, and never
two open changes. Through the whole app, on file SQLite and, with ``TEST_POSTGRES_URL``, on PostgreSQL, with the
two ways of being at the same moment of ``tests/test_concurrency.py``: one request stopped just before its first
write while the other runs to its end, and both leaving a barrier together round after round."""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import select

from catalogue.extensions import db
from catalogue.models import AuditEvent, ProposedChange, Tool
from tests import test_concurrency as races
from tests.auth import csrf_token
from tests.curation_helpers import curator_clients, editor_data, version_on

#: The race fixtures: ``app`` on SQLite and on PostgreSQL (skipped without ``TEST_POSTGRES_URL``).
app = races.app
postgres_server = races.postgres_server

ALICE, BOB = races.ALICE, races.BOB
PUBLISHED = "Ranks chat logs for grooming risk."
SLUG = "harbour-chat-triage"
PATH_OF = "/curation/tools/{}/edit"


def published(app) -> int:
    return races.imported(app, SLUG, summary=PUBLISHED, status="published")


def propose_post(client, tool_id: int, change_version: str | None = None, **fields) -> Callable:
    """The editor's save on the published entry, filled in now as the page showed it, sent when called."""
    path = PATH_OF.format(tool_id)
    data = {**editor_data(**fields), "csrf_token": csrf_token(client, path), "version": version_on(client, path)}
    if change_version is not None:
        data["change_version"] = change_version
    return lambda: client.post(path, data=data)


def open_changes(app) -> list[tuple[int, str, list[int]]]:
    with app.app_context():
        return [(change.id, change.values["summary"], change.authors) for change in db.session.scalars(
            select(ProposedChange).where(ProposedChange.status == "open").order_by(ProposedChange.id))]


def proposals_audited(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.actor).where(AuditEvent.action == "tool.propose")
                                       .order_by(AuditEvent.id)))


def live_summary(app, tool_id: int) -> str:
    with app.app_context():
        return db.session.get(Tool, tool_id).summary


def told_to_continue(response, typed: str) -> None:
    """The loser's answer: the "continue the open one" editor, with their own text offered back."""
    html = races.page(response)
    assert response.status_code == 409, (response.status_code, html[:2000])
    assert "proposed a change to this entry meanwhile, so yours was not saved" in html
    assert "Continue the proposed change" in html and "See the proposed change" in html
    assert typed in html  # in the editor, to copy into the open change


def test_two_curators_proposing_a_change_to_the_same_entry_at_the_same_moment(app):
    """Both opened the editor of the published entry and pressed Save together; Alice's request is stopped just
    before its first write while Bob's proposes his change: hers finds the open change (the unique open key) and
    is answered 409 with her text, not a 500 and not a second open change."""
    alice, bob = curator_clients(app, ALICE, BOB)
    tool_id = published(app)
    alices = propose_post(alice, tool_id, summary="Alice's wording of the summary.", note="Alice's note")
    bobs = propose_post(bob, tool_id, summary="Bob's wording of the summary.", note="Bob's note")
    lost, won = races.interleaved(alices, bobs)

    assert won.status_code == 303 and "/curation/changes/" in won.headers["Location"]
    told_to_continue(lost, "Alice&#39;s wording of the summary.")
    ((number, summary, authors),) = open_changes(app)
    assert won.headers["Location"].endswith(f"/curation/changes/{number}")
    assert summary == "Bob's wording of the summary." and len(authors) == 1
    assert live_summary(app, tool_id) == PUBLISHED  # readers still see the published text
    assert proposals_audited(app) == [BOB]


def test_proposing_together_round_after_round_opens_one_change_each_time(app):
    """No stopping: both proposals leave a barrier together, several rounds; each round opens exactly one change,
    the other curator is told with their text, and the author withdraws it before the next round."""
    alice, bob = curator_clients(app, ALICE, BOB)
    tool_id = published(app)
    clients = {ALICE: alice, BOB: bob}
    winners = []
    for round_number in range(1, races.ROUNDS + 1):
        posts = [propose_post(clients[who], tool_id, summary=f"Round {round_number} summary by {who}.")
                 for who in (ALICE, BOB)]
        responses = races.at_once(*posts)
        codes = sorted(response.status_code for response in responses)
        assert codes == [303, 409], f"round {round_number}: {codes}"
        lost = next(response for response in responses if response.status_code == 409)
        loser = ALICE if lost is responses[0] else BOB
        winner = BOB if loser == ALICE else ALICE
        told_to_continue(lost, f"Round {round_number} summary by {loser}.")
        ((number, summary, _authors),) = open_changes(app)
        assert summary == f"Round {round_number} summary by {winner}."
        winners.append(winner)
        page = f"/curation/changes/{number}"
        withdrawn = clients[winner].post(f"{page}/withdraw", data={
            "withdraw-csrf_token": csrf_token(clients[winner], page),
            "withdraw-version": version_on(clients[winner], page)})
        assert withdrawn.status_code == 303, races.page(withdrawn)[:2000]
    assert open_changes(app) == []
    assert live_summary(app, tool_id) == PUBLISHED
    assert proposals_audited(app) == winners


def change_version_on(client, path: str) -> str:
    match = re.search(r'name="change_version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="change_version"',
                      races.page(client.get(path)))
    assert match, f"no change_version on {path}"
    return match.group(1) or match.group(2)


def test_two_curators_continuing_the_same_open_change_at_the_same_moment(app):
    """Carol's change is open; Alice and Bob both continue it from the same page and save together: the change's
    version counter lets one of them in, the other is told with their text, and it is still one open change."""
    alice, bob, carol = curator_clients(app, ALICE, BOB, "carol@harbour-police.example")
    tool_id = published(app)
    assert carol.post(PATH_OF.format(tool_id), data={
        **editor_data(summary="Carol's first wording."), "csrf_token": csrf_token(carol, PATH_OF.format(tool_id)),
        "version": version_on(carol, PATH_OF.format(tool_id))}).status_code == 303
    ((number, _summary, _authors),) = open_changes(app)
    loaded = change_version_on(alice, PATH_OF.format(tool_id))
    alices = propose_post(alice, tool_id, loaded, summary="Alice continued Carol's wording.")
    bobs = propose_post(bob, tool_id, loaded, summary="Bob continued Carol's wording.")
    lost, won = races.interleaved(alices, bobs)

    assert won.status_code == 303 and won.headers["Location"].endswith(f"/curation/changes/{number}")
    told_to_continue(lost, "Alice continued Carol&#39;s wording.")
    ((still, summary, authors),) = open_changes(app)
    assert still == number and summary == "Bob continued Carol's wording." and len(authors) == 2
    assert live_summary(app, tool_id) == PUBLISHED
