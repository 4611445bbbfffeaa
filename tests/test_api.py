"""The read API answers what the pages show: the catalogue's search with facets in the language asked for, cursors
that walk the whole result and refuse another query's, tool records, vocabularies, guidance, trainings and a changes
feed; ETags; problem documents for every error; and an OpenAPI 3.1 document that validates and describes every route,
whose examples the app answers as documented."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from catalogue.api import spec
from tests.conftest import read_only_demo


@pytest.fixture(scope="module")
def api_app(tmp_path_factory, demo_data_dir):
    yield from read_only_demo(tmp_path_factory, demo_data_dir, "api")


@pytest.fixture
def client(api_app):
    return api_app.test_client()


def test_search_with_a_query_two_filters_and_facets_in_french(client):
    answer = client.get("/api/v1/tools", query_string=[("q", "image"), ("language", "fr"),
                                                        ("deployment", "on-premises"), ("cost_model", "free")])
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    body = answer.json
    page = client.get("/tools/", query_string=[("q", "image"), ("deployment", "on-premises"), ("cost_model", "free")],
                      headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert body["count"] == len(body["results"]) or body["next_cursor"]
    for result in body["results"]:
        assert result["name"] in page
    purposes = body["facets"]["purposes"]
    assert purposes["title"] == "Finalité"
    assert {"name", "label", "count"} <= set(purposes["items"][0])
    assert any(item["label"].startswith("Détection") for item in purposes["items"])
    deployment = {item["name"]: item for item in body["facets"]["deployment"]["items"]}
    assert deployment["on-premises"]["selected"] is True


def test_the_cursor_walks_every_tool_once_and_refuses_another_query(client):
    seen, cursor = [], None
    while True:
        query = {"limit": "7", "sort": "name", **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/v1/tools", query_string=query).json
        seen += [result["slug"] for result in body["results"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == body["count"] > 50
    first = client.get("/api/v1/tools", query_string={"limit": "7", "sort": "name"}).json["next_cursor"]
    other = client.get("/api/v1/tools", query_string={"limit": "7", "sort": "updated", "cursor": first})
    assert other.status_code == 400 and other.mimetype == "application/problem+json"
    assert "cursor" in other.json["errors"]
    forged = client.get("/api/v1/tools", query_string={"limit": "7", "sort": "name", "cursor": first[:-2] + "xx"})
    assert forged.status_code == 400


def test_a_tool_record_carries_interchange_fields_labels_sources_and_guidance(client):
    slug = client.get("/api/v1/tools", query_string={"limit": "1"}).json["results"][0]["slug"]
    answer = client.get(f"/api/v1/tools/{slug}", query_string={"language": "es"})
    assert answer.status_code == 200
    tool = answer.json
    for field in ("slug", "name", "organisation", "summary", "purposes", "deployment", "sources", "last_reviewed",
                  "created_at", "updated_at"):
        assert field in tool
    assert tool["labels"]["purposes"] and all("label" in term for term in tool["labels"]["purposes"])
    assert isinstance(tool["guidance"], list)
    assert answer.headers["ETag"].startswith(f'"v{tool["version"]}-')
    again = client.get(f"/api/v1/tools/{slug}", query_string={"language": "es"},
                       headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    missing = client.get("/api/v1/tools/no-such-tool")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"


def test_vocabularies_guidance_trainings_and_changes(client):
    vocabularies = client.get("/api/v1/vocabularies", query_string={"language": "ru"}).json["vocabularies"]
    assert {v["name"] for v in vocabularies} >= {"purposes", "deployment"}
    pages = client.get("/api/v1/guidance").json["results"]
    assert pages and client.get(pages[0]["url"]).json["body"]
    assert client.get("/api/v1/trainings").status_code == 200
    walked, cursor = [], None
    while True:
        body = client.get("/api/v1/changes", query_string={"limit": "25", **({"cursor": cursor} if cursor else {})}
                          ).json
        walked += body["results"]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    stamps = [(item["updated_at"]) for item in walked]
    assert stamps == sorted(stamps) and len({item["slug"] for item in walked}) == len(walked)
    assert all("record" in item for item in walked if item["event"] == "published")
    assert {item["event"] for item in walked} <= {"published", "archived", "withdrawn"}
    since = walked[len(walked) // 2]["updated_at"]
    later = client.get("/api/v1/changes", query_string={"since": since, "limit": "100"}).json["results"]
    assert all(item["updated_at"] >= since for item in later)


@pytest.mark.parametrize(("query", "field"), [
    ({"limit": "0"}, "limit"), ({"limit": "101"}, "limit"), ({"limit": "ten"}, "limit"),
    ({"sort": "price"}, "sort"), ({"language": "de"}, "language"), ({"colour": "blue"}, "colour"),
    ({"cursor": "nonsense"}, "cursor"),
])
def test_bad_parameters_are_400_problems_naming_the_parameter(client, query, field):
    answer = client.get("/api/v1/tools", query_string=query)
    assert answer.status_code == 400 and answer.mimetype == "application/problem+json"
    assert field in answer.json["errors"]


@pytest.mark.parametrize(("language", "title", "detail"), [
    ("fr", "Cette requête", "limit doit être un nombre entier"),
    ("es", None, "limit debe ser un número entero"),
    ("zh", None, "limit 必须是"),
])
def test_problems_speak_the_readers_language(client, language, title, detail):
    answer = client.get("/api/v1/tools", query_string={"limit": "500"}, headers={"Accept-Language": language})
    assert answer.status_code == 400 and detail in answer.json["detail"]
    assert answer.json["title"] != "This request could not be understood"
    if title:
        assert answer.json["title"].startswith(title)
    unknown = client.get("/api/v1/tools", query_string={"purposes": "no-such-purpose"},
                         headers={"Accept-Language": language})
    assert "no-such-purpose" in unknown.json["detail"] and not unknown.json["detail"].startswith("Unknown")
    refused = client.get("/api/v1/tools", headers={"Accept-Language": language,
                                                    "Authorization": f"Bearer cat_{0:012x}_{'s' * 43}"})
    assert refused.status_code == 401 and refused.json["title"] != "Authentication required"


def test_unknown_addresses_and_methods_are_problems_not_pages(client):
    assert client.get("/api/v1/nothing/here").json["status"] == 404
    answer = client.put("/api/v1/vocabularies", headers={"Authorization": "Bearer x"})
    assert answer.status_code == 401  # who is asking comes first
    answer = client.get("/api/v1/changes", query_string={"since": "yesterday"})
    assert answer.status_code == 400 and "since" in answer.json["errors"]


def test_members_only_catalogue_answers_401_to_anonymous_programs(tmp_path, demo_data_dir):
    from tests.conftest import copy_data_dir, make_app

    copy_data_dir(demo_data_dir, tmp_path)
    app = make_app(tmp_path, CATALOGUE_PUBLIC_BROWSING=False)
    for path in ("/api/v1/tools", "/api/v1/tools/x", "/api/v1/vocabularies", "/api/v1/guidance",
                 "/api/v1/trainings", "/api/v1/changes"):
        answer = app.test_client().get(path)
        assert answer.status_code == 401 and answer.mimetype == "application/problem+json", path
    assert app.test_client().get("/api/v1/openapi.json").status_code == 200
    assert app.test_client().get("/api/").status_code == 200


# The OpenAPI document ----------------------------------------------------------------------------------------------

def test_the_openapi_document_validates_and_describes_every_route(api_app, client):
    document = client.get("/api/v1/openapi.json").json
    validate(document)
    assert document["openapi"].startswith("3.1")
    described = {(path, method) for path, operations in document["paths"].items() for method in operations}
    routes = {(spec.openapi_path(rule.rule), method.lower()) for rule in api_app.url_map.iter_rules()
              if rule.rule.startswith("/api/v1/") and rule.endpoint not in ("api.unknown", "api.openapi")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - described == set()
    repeated = [p for p in document["paths"]["/api/v1/tools"]["get"]["parameters"] if p["name"] == "purposes"]
    assert repeated and repeated[0]["explode"] is True and repeated[0]["schema"]["type"] == "array"


def test_every_documented_example_answers_as_documented(client):
    document = client.get("/api/v1/openapi.json").json
    tool = client.get("/api/v1/tools", query_string={"limit": "1"}).json["results"][0]["slug"]
    ran = 0
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for example in operation.get("x-examples", []):
                url = path
                for name, value in example.get("path", {}).items():
                    url = url.replace("{" + name + "}", value.replace("{tool}", tool))
                answer = client.open(url, method=method.upper(), query_string=example.get("query", {}),
                                     json=example.get("body"))
                assert answer.status_code == example["status"], (method, url, example, answer.json)
                expected = "application/json" if answer.status_code < 400 else "application/problem+json"
                assert answer.mimetype == expected
                ran += 1
    assert ran >= 10


def test_the_reference_page_is_readable_without_script(client):
    html = client.get("/api/").get_data(as_text=True)
    assert "GET /api/v1/tools" in html and "<script" not in html.split("<main")[1]
    assert "openapi.json" in html
