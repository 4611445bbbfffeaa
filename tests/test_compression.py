"""The app compresses its own responses (Brotli, else gzip) without breaking downloads, static files, validators or
security headers."""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import time
from pathlib import Path

import brotli
import pytest
from flask import url_for

from catalogue import PROJECT_ROOT
from tests.auth import signed_in

SITE_CSS = PROJECT_ROOT / "catalogue" / "static" / "css" / "site.css"
BROWSER = "gzip, deflate, br, zstd"
CSRF = re.compile(rb'name="csrf_token" value="[^"]+"')


def decoded(response) -> bytes:
    body = response.get_data()
    encoding = response.headers.get("Content-Encoding")
    return {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}[encoding](body)


def varies_on(response, header: str) -> bool:
    return header.lower() in {part.strip().lower() for part in response.headers.get("Vary", "").split(",")}


@pytest.fixture
def admin_client(demo_app):
    return signed_in(demo_app, "admin", email="admin@harbour-police.example")


def test_pages_are_compressed_with_brotli_else_gzip_and_decode_to_the_same_page(demo_client):
    plain = demo_client.get("/tools/?q=chat")
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    assert varies_on(plain, "Accept-Encoding")

    for accepted, expected in ((BROWSER, "br"), ("gzip, deflate", "gzip"), ("br;q=0.5, gzip", "gzip")):
        response = demo_client.get("/tools/?q=chat", headers={"Accept-Encoding": accepted})
        assert response.headers["Content-Encoding"] == expected, accepted
        assert int(response.headers["Content-Length"]) == len(response.get_data()) < len(plain.get_data()) / 3
        assert CSRF.sub(b"", decoded(response)) == CSRF.sub(b"", plain.get_data())  # the token is time-stamped
        assert varies_on(response, "Accept-Encoding")
        assert response.headers["Content-Security-Policy"] == plain.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_signed_in_pages_stay_private_and_vary_on_cookie_and_encoding(admin_client):
    response = admin_client.get("/tools/", headers={"Accept-Encoding": BROWSER})
    assert response.headers["Content-Encoding"] == "br"
    assert response.headers["Cache-Control"] == "no-store"
    assert varies_on(response, "Cookie") and varies_on(response, "Accept-Encoding")


def test_static_css_is_compressed_and_revalidated_per_encoding(demo_client):
    css = SITE_CSS.read_bytes()
    plain = demo_client.get("/static/css/site.css")
    compressed = demo_client.get("/static/css/site.css", headers={"Accept-Encoding": BROWSER})
    assert plain.get_data() == css and "Content-Encoding" not in plain.headers
    assert compressed.headers["Content-Encoding"] == "br"
    assert decoded(compressed) == css
    gzipped = demo_client.get("/static/css/site.css", headers={"Accept-Encoding": "gzip"})
    assert gzipped.headers["Content-Encoding"] == "gzip" and decoded(gzipped) == css  # streamed in gzip too
    assert varies_on(compressed, "Accept-Encoding") and varies_on(plain, "Accept-Encoding")
    etag, plain_etag = compressed.headers["ETag"], plain.headers["ETag"]
    assert etag == plain_etag[:-1] + ':br"'  # a strong validator per representation

    again = demo_client.get("/static/css/site.css", headers={"Accept-Encoding": BROWSER, "If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    plain_again = demo_client.get("/static/css/site.css", headers={"If-None-Match": plain_etag})
    assert plain_again.status_code == 304
    # a client that cached the Brotli copy and no longer accepts Brotli gets the identity bytes
    identity = demo_client.get("/static/css/site.css", headers={"If-None-Match": etag})
    assert identity.status_code == 200 and identity.get_data() == css


def test_pages_link_style_sheets_by_content_and_browsers_keep_them_a_year(demo_app, admin_client):
    """A signed-in member's pages are ``no-store``; the style sheets they link are the same for everyone and are named
    by their content, so a browser loads them once instead of on every page."""
    html = admin_client.get("/tools/").get_data(as_text=True)
    linked = re.search(r'<link rel="stylesheet" href="(/static/css/site.css\?v=(\w+))">', html)
    assert linked, "the style sheet is linked without its version"
    assert linked.group(2) == hashlib.sha256(SITE_CSS.read_bytes()).hexdigest()[:16]
    kept = admin_client.get(linked.group(1))
    assert kept.status_code == 200 and kept.get_data() == SITE_CSS.read_bytes()
    assert kept.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    for other in ("/static/css/site.css", "/static/css/site.css?v=0123456789abcdef"):  # an old page's link
        answer = admin_client.get(other)
        assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-cache", other
    assert admin_client.get("/tools/").headers["Cache-Control"] == "no-store"  # the page itself stays private

    edited = Path(demo_app.static_folder) / "css" / "edited-in-development.css"
    try:  # a file edited while the app runs gets a new name at once
        edited.write_text("body { color: black; }", encoding="utf-8")
        with demo_app.test_request_context():
            first = url_for("static", filename="css/edited-in-development.css")
            edited.write_text("body { color: navy; }", encoding="utf-8")
            os.utime(edited, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
            assert url_for("static", filename="css/edited-in-development.css") != first
            assert url_for("static", filename="css/no-such-file.css") == "/static/css/no-such-file.css"
    finally:
        edited.unlink(missing_ok=True)


def test_byte_ranges_of_static_files_are_served_uncompressed(demo_client):
    response = demo_client.get("/static/css/site.css", headers={"Accept-Encoding": BROWSER, "Range": "bytes=10-99"})
    assert response.status_code == 206
    assert "Content-Encoding" not in response.headers
    assert response.get_data() == SITE_CSS.read_bytes()[10:100]
    assert response.headers["Content-Range"].startswith("bytes 10-99/")


def test_tiny_files_are_left_alone_and_csv_and_json_downloads_are_compressed(demo_client, admin_client):
    favicon = demo_client.get("/static/favicon.svg", headers={"Accept-Encoding": BROWSER})
    assert favicon.status_code == 200 and "Content-Encoding" not in favicon.headers  # 216 bytes: not worth it
    assert decoded(favicon) == (PROJECT_ROOT / "catalogue" / "static" / "favicon.svg").read_bytes()

    for path in ("/admin/transfer/export/catalogue.csv", "/admin/transfer/export/catalogue.json"):
        plain = admin_client.get(path)
        compressed = admin_client.get(path, headers={"Accept-Encoding": BROWSER})
        assert compressed.headers["Content-Encoding"] == "br", path
        assert compressed.headers["Content-Disposition"] == plain.headers["Content-Disposition"]
        assert decoded(compressed) == plain.get_data(), path


def test_answers_to_requests_started_by_another_site_are_not_compressed(demo_client):
    """BREACH: a page holding a CSRF token next to reflected input is not compressed for a cross-site request."""
    for site in ("cross-site", "same-site"):
        response = demo_client.get("/account/sign-in?next=/tools/", headers={"Accept-Encoding": BROWSER,
                                                                              "Sec-Fetch-Site": site})
        assert "Content-Encoding" not in response.headers, site
        assert varies_on(response, "Accept-Encoding")
    own = demo_client.get("/account/sign-in", headers={"Accept-Encoding": BROWSER, "Sec-Fetch-Site": "same-origin"})
    assert own.headers["Content-Encoding"] == "br"


def test_error_pages_and_redirects_are_answered_as_before(demo_client):
    missing = demo_client.get("/tools/no-such-tool", headers={"Accept-Encoding": BROWSER})
    assert missing.status_code == 404 and "Content-Encoding" not in missing.headers
    assert "Content-Security-Policy" in missing.headers

