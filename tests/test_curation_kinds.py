"""Each kind of entry is reviewed against its own criteria and named in its own words on the curation pages.

The apps here configure criteria lists of different lengths for tools (five) and guidance pages (two), so a page or a
check that uses the wrong kind's list shows or counts the wrong criteria.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from catalogue.extensions import db
from catalogue.models import GuidancePage, Tool
from tests.auth import csrf_token
from tests.conftest import empty_app
from tests.curation_helpers import approve, create_draft, curator_clients, post_step, version_on
from tests.test_guidance import create_guidance

TOOL_CRITERIA = (
    "Kind check: it serves child protection casework.",
    "Kind check: it is software or a service.",
    "Kind check: it automates part of the analysis.",
    "Kind check: its vendor is named.",
    "Kind check: a named source confirms its entry.",
)
GUIDANCE_CRITERIA = (
    "Kind check: the page gives steps an investigator can follow.",
    "Kind check: the page names no real case.",
)


@dataclass(frozen=True)
class KindCase:
    path: str  # the URL segment under /curation
    model: type
    criteria: tuple[str, ...]
    other_criteria: tuple[str, ...]
    create: Callable[..., int]  # (curator's client) → the id of a new draft
    other: str  # the other kind's path


TOOLS = KindCase("tools", Tool, TOOL_CRITERIA, GUIDANCE_CRITERIA, create_draft, "guidance")
GUIDANCE = KindCase("guidance", GuidancePage, GUIDANCE_CRITERIA, TOOL_CRITERIA, create_guidance, "tools")
CASES = pytest.mark.parametrize("case", [TOOLS, GUIDANCE], ids=["tools", "guidance"])


@pytest.fixture
def app(tmp_path, empty_data_dir):
    yield from empty_app(tmp_path, empty_data_dir, INCLUSION_CRITERIA=TOOL_CRITERIA,
                         GUIDANCE_REVIEW_CRITERIA=GUIDANCE_CRITERIA)


def criteria_shown(page: str) -> list[str]:
    """The labels of the criteria checkboxes on a review or verification page, in order."""
    return [html.unescape(label).strip() for label in re.findall(
        r'<input[^>]*name="criteria"[^>]*>\s*<label[^>]*>([^<]*)</label>', page)]


def post_verification(client, entry_id: int, path: str, ticked: list[str], step: str = "review"):
    page = f"/curation/{path}/{entry_id}/{step}"
    token = csrf_token(client, page)
    return client.post(page, data={"csrf_token": token, "version": version_on(client, page), "criteria": ticked,
                                   "sources": "Unit handbook, 2026", "verified_on": "2026-02-01"})


def slug_of(app, case: KindCase, entry_id: int) -> str:
    with app.app_context():
        return db.session.get(case.model, entry_id).slug


def state(app, case: KindCase, entry_id: int) -> tuple:
    with app.app_context():
        entry = db.session.get(case.model, entry_id)
        return entry.status, entry.last_reviewed, entry.verified_by_id, entry.version


def in_review(app, case: KindCase) -> tuple[object, int]:
    """A reviewer's client and an entry of the kind submitted for review by another curator."""
    author, reviewer = curator_clients(app, "author@harbour-police.example", "reviewer@harbour-police.example")
    entry_id = case.create(author)
    assert post_step(author, entry_id, "submit", kind=case.path).status_code == 303
    return reviewer, entry_id


@CASES
def test_the_reviewer_sees_exactly_the_criteria_of_the_entrys_kind(app, case):
    reviewer, entry_id = in_review(app, case)
    response = reviewer.get(f"/curation/{case.path}/{entry_id}/review")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert criteria_shown(page) == list(case.criteria)
    assert not any(other in page for other in case.other_criteria)

    assert approve(reviewer, entry_id, criteria=len(case.criteria), kind=case.path).status_code == 303
    again = reviewer.get(f"/curation/{case.path}/{entry_id}/verify").get_data(as_text=True)
    assert criteria_shown(again) == list(case.criteria)
    assert not any(other in again for other in case.other_criteria)


@CASES
@pytest.mark.parametrize("left_out", [0, -1], ids=["first", "last"])
def test_publishing_with_one_criterion_of_the_kind_unticked_is_refused_and_changes_nothing(app, case, left_out):
    reviewer, entry_id = in_review(app, case)
    before = state(app, case, entry_id)
    numbers = [str(number) for number in range(1, len(case.criteria) + 1)]
    del numbers[left_out]
    response = post_verification(reviewer, entry_id, case.path, numbers)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "An entry can only be published when it meets every inclusion criterion." in page
    assert criteria_shown(page) == list(case.criteria)  # the form again, with this kind's criteria
    assert state(app, case, entry_id) == before
    assert before[0] == "in_review"
    assert app.test_client().get(f"/{case.path}/{slug_of(app, case, entry_id)}").status_code == 404

    every = [str(number) for number in range(1, len(case.criteria) + 1)]
    assert post_verification(reviewer, entry_id, case.path, every).status_code == 303
    assert state(app, case, entry_id)[0] == "published"


@CASES
def test_ticks_are_counted_against_the_kinds_own_list(app, case):
    """A ticked box counts once, and numbers beyond the kind's list are no criteria: neither makes up for an
    unticked criterion."""
    reviewer, entry_id = in_review(app, case)
    before = state(app, case, entry_id)
    all_but_last = [str(number) for number in range(1, len(case.criteria))]
    twice = post_verification(reviewer, entry_id, case.path, [*all_but_last, "1"])
    assert twice.status_code == 409
    assert "meets every inclusion criterion" in twice.get_data(as_text=True)
    beyond = post_verification(reviewer, entry_id, case.path,
                               [*all_but_last, str(len(case.criteria) + 1)])
    assert beyond.status_code == 400
    assert state(app, case, entry_id) == before


@CASES
def test_verifying_again_needs_every_criterion_of_the_kind(app, case):
    reviewer, entry_id = in_review(app, case)
    every = [str(number) for number in range(1, len(case.criteria) + 1)]
    assert post_verification(reviewer, entry_id, case.path, every).status_code == 303
    published = state(app, case, entry_id)

    refused = post_verification(reviewer, entry_id, case.path, every[1:], step="verify")
    assert refused.status_code == 409
    assert "meets every inclusion criterion" in refused.get_data(as_text=True)
    assert state(app, case, entry_id) == published

    page = f"/curation/{case.path}/{entry_id}/verify"
    token = csrf_token(reviewer, page)
    accepted = reviewer.post(page, data={"csrf_token": token, "version": version_on(reviewer, page),
                                         "criteria": every, "sources": "Unit handbook, 2027",
                                         "verified_on": "2026-03-01"})
    assert accepted.status_code == 303
    assert str(state(app, case, entry_id)[1]) == "2026-03-01"


WORDING = {
    "tools": {"all": "All tools", "new": "New tool", "column": "Organisation", "reviewed": "Last verified",
              "public": "/tools/", "steps": "Check the entry against each inclusion criterion"},
    "guidance": {"all": "All guidance", "new": "New guidance page", "column": "Topic", "reviewed": "Last reviewed",
                 "public": "/guidance/", "steps": "Check the page against each criterion"},
}


@CASES
def test_curation_pages_name_each_kind_in_its_own_words(app, case):
    words, other = WORDING[case.path], WORDING[case.other]
    reviewer, entry_id = in_review(app, case)
    listing = reviewer.get(f"/curation/{case.path}").get_data(as_text=True)
    assert f"<h1>{words['all']}</h1>" in listing
    assert f'<th scope="col">{words["column"]}</th>' in listing
    assert f'<th scope="col">{other["column"]}</th>' not in listing
    assert f"<h1>{words['new']}</h1>" in reviewer.get(f"/curation/{case.path}/new").get_data(as_text=True)
    review = reviewer.get(f"/curation/{case.path}/{entry_id}/review").get_data(as_text=True)
    assert words["steps"] in review and other["steps"] not in review

    assert approve(reviewer, entry_id, criteria=len(case.criteria), kind=case.path).status_code == 303
    entry_page = reviewer.get(f"/curation/{case.path}/{entry_id}").get_data(as_text=True)
    assert f"<dt>{words['reviewed']}</dt>" in entry_page and f"<dt>{other['reviewed']}</dt>" not in entry_page
    public = re.search(r'<a class="button-secondary" href="([^"]+)">Public page</a>', entry_page)
    assert public and public.group(1) == f"{words['public']}{slug_of(app, case, entry_id)}"
    assert app.test_client().get(public.group(1)).status_code == 200
    dashboard = reviewer.get("/curation/").get_data(as_text=True)
    assert f'href="/curation/{case.path}/{entry_id}/compare?' in dashboard  # its recent change, under its kind
