"""Static files (style sheets, icons) under URLs that name their content, cached by browsers for a year.

``url_for('static', filename=...)`` adds ``?v=`` and the first 16 hex digits of the file's SHA-256, so a changed file
gets a new URL and a browser never needs to ask again whether its copy is current. Officers on slow or metered
networks then load the style sheets once, not on every page; before, a signed-in member's pages were ``no-store``
and so were the style sheets they linked. A request without the current version (an old page, a hand-typed URL)
still gets the file, revalidated as before.
"""

from __future__ import annotations

import hashlib
import os

from flask import Flask, request
from werkzeug.security import safe_join

YEAR = 365 * 24 * 3600


def register(app: Flask) -> None:
    versions: dict[tuple[str, int, int], str] = {}

    def version_of(filename: str) -> str | None:
        """The file's content hash, read again only when its size or modification time changed (an edit in
        development shows at once, with no restart)."""
        path = safe_join(app.static_folder, filename) if filename else None
        try:
            found = os.stat(path) if path else None
        except OSError:
            return None
        if found is None or not os.path.isfile(path):
            return None
        key = (path, found.st_mtime_ns, found.st_size)
        if key not in versions:
            with open(path, "rb") as stream:
                versions[key] = hashlib.sha256(stream.read()).hexdigest()[:16]
        return versions[key]

    @app.url_defaults
    def name_the_version(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values:
            version = version_of(values.get("filename", ""))
            if version:
                values["v"] = version

    @app.after_request
    def cache_named_versions(response):
        if request.endpoint == "static" and response.status_code == 200:
            filename = (request.view_args or {}).get("filename", "")
            if request.args.get("v") and request.args["v"] == version_of(filename):
                response.cache_control.public = True
                response.cache_control.max_age = YEAR
                response.cache_control.immutable = True
                response.cache_control.no_cache = None
        return response
