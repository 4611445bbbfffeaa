"""The shortlist keeps tools in the session, changes only by CSRF-protected POSTs, and exports CSV."""

import re

import pytest

from tests.factories import make_tools, tool_record


@pytest.fixture
def tools(app):
    with app.app_context():
        make_tools(tool_record("first-tool", name="First Tool"), tool_record("second-tool", name="Second Tool"),
                   tool_record("draft-tool", status="draft"))


def csrf_token(client) -> str:
    """The token from an "Add to shortlist" form on the catalogue page, as a browser would send it."""
    html = client.get("/tools/").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def add(client, slug, token, next_url="/tools/"):
    return client.post("/shortlist/add", data={"tool": slug, "csrf_token": token, "next": next_url})


def test_add_remove_and_export(client, tools):
    token = csrf_token(client)
    response = add(client, "second-tool", token, next_url="/tools/?q=tool")
    assert response.status_code == 303 and response.headers["Location"] == "/tools/?q=tool"
    add(client, "first-tool", token)
    add(client, "first-tool", token)
    page = client.get("/shortlist/").get_data(as_text=True)
    assert page.index("Second Tool") < page.index("First Tool")
    assert "Shortlist <span class=\"nav-count\">(2)</span>" in page
    csv_text = client.get("/shortlist/shortlist.csv").get_data(as_text=True)
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("slug,name,organisation") and [line.split(",")[0] for line in lines[1:]] == [
        "second-tool", "first-tool"]
    client.post("/shortlist/remove", data={"tool": "second-tool", "csrf_token": token})
    assert "Second Tool" not in client.get("/shortlist/").get_data(as_text=True)
    client.post("/shortlist/clear", data={"csrf_token": token})
    assert "Your shortlist is empty" in client.get("/shortlist/").get_data(as_text=True)


def test_unpublished_or_unknown_tools_are_refused(client, tools):
    token = csrf_token(client)
    follow = add(client, "draft-tool", token, next_url="/shortlist/")
    assert follow.status_code == 303
    assert "That tool is not in the catalogue." in client.get("/shortlist/").get_data(as_text=True)


def test_posts_without_a_csrf_token_change_nothing(client, tools):
    response = client.post("/shortlist/add", data={"tool": "first-tool"})
    assert response.status_code == 400
    assert "First Tool" not in client.get("/shortlist/").get_data(as_text=True)


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"])
def test_redirects_never_leave_the_site(client, tools, next_url):
    response = add(client, "first-tool", csrf_token(client), next_url=next_url)
    assert response.headers["Location"] == "/shortlist/"


def test_compare_link_from_the_shortlist(client, tools):
    token = csrf_token(client)
    add(client, "first-tool", token)
    add(client, "second-tool", token)
    page = client.get("/shortlist/").get_data(as_text=True)
    assert 'href="/tools/compare?tool=first-tool&amp;tool=second-tool"' in page
