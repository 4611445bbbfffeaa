"""Import and export of interchange files through the interface.

An upload is checked with a dry run first. A clean file is kept on disk under a random token held in the admin's
session, so applying it needs no second upload; the real import then runs against the catalogue as it is by then,
all or nothing, like the command line's.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from flask import current_app, session
from flask_babel import gettext as _

from catalogue import audit
from catalogue.config import make_private_directory
from catalogue.extensions import db
from catalogue.interchange.fields import FORMAT_NAME, FORMAT_VERSION
from catalogue.interchange.problems import InterchangeError, Problem
from catalogue.interchange.reading import parse_csv, parse_json
from catalogue.interchange.services import ImportReport, dump_csv, dump_json, export_document, import_tools
from catalogue.models import User
from catalogue.models.base import utcnow
from catalogue.records import tool_to_record
from catalogue.search.service import SearchRequest, search

EXTENSIONS = ("json", "csv")
KEEP_FOR_SECONDS = 24 * 60 * 60
SESSION_KEY = "transfer_import"
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
MAX_NAME = 200
#: The most tools one results export holds; the whole catalogue has no limit.
RESULTS_LIMIT = 10_000


class UploadGone(Exception):
    """The kept upload is not (or no longer) available to this session; the message is for the user."""


@dataclass
class Upload:
    name: str
    extension: str
    text: str


# Importing ----------------------------------------------------------------------------------------------------------

def read_upload(data: bytes, filename: str) -> Upload:
    """Decode an uploaded file as ``read_file`` does; raises ``InterchangeError`` for an empty or non-UTF-8 file."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1][:MAX_NAME]
    extension = Path(name).suffix.lower().lstrip(".")
    if extension not in EXTENSIONS:
        raise InterchangeError([Problem(_("Only .json and .csv files can be imported."))])
    if not data.strip():
        raise InterchangeError([Problem(_("The file is empty."))])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InterchangeError([Problem(_("The file is not UTF-8 text (byte %(position)s). Save it as UTF-8 and "
                                          "upload it again.", position=error.start + 1))]) from None
    return Upload(name, extension, text)


def document_of(upload: Upload) -> Any:
    return parse_csv(upload.text) if upload.extension == "csv" else parse_json(upload.text)


def dry_run(upload: Upload) -> ImportReport:
    """What importing the upload would do, writing nothing; raises ``InterchangeError`` listing every problem."""
    return import_tools(document_of(upload), dry_run=True)


def imports_directory() -> Path:
    directory = Path(current_app.config["CATALOGUE_DATA_DIR"]) / "imports"
    make_private_directory(directory)
    return directory


def keep(upload: Upload) -> str:
    """Store a checked upload for applying later (readable by the app's user only); returns its token."""
    directory = imports_directory()
    remove_old_uploads(directory)
    forget_kept()
    token = secrets.token_urlsafe(32)
    descriptor = os.open(directory / f"{token}.{upload.extension}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as file:
        file.write(upload.text)
    session[SESSION_KEY] = {"token": token, "name": upload.name, "extension": upload.extension}
    return token


def remove_old_uploads(directory: Path) -> None:
    cutoff = time.time() - KEEP_FOR_SECONDS
    for path in directory.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:  # removed meanwhile by another request
            pass


def _kept_path(token: str) -> tuple[Path, dict[str, str]]:
    kept = session.get(SESSION_KEY)
    if (not isinstance(kept, dict) or not isinstance(token, str) or not TOKEN.fullmatch(token)
            or kept.get("token") != token or kept.get("extension") not in EXTENSIONS):
        raise UploadGone(_("This import is not available any more: it was applied, discarded or started in another "
                           "session. Upload the file again."))
    return imports_directory() / f"{token}.{kept['extension']}", kept


def kept_upload(token: str) -> Upload:
    path, kept = _kept_path(token)
    try:
        if path.stat().st_mtime < time.time() - KEEP_FOR_SECONDS:
            raise FileNotFoundError
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        forget_kept()
        raise UploadGone(_("This upload has expired: uploads are kept for one day. Upload the file again.")) from None
    return Upload(str(kept.get("name", "")), kept["extension"], text)


def apply(upload: Upload, author: User) -> ImportReport:
    """Import a kept upload for real. Raises ``InterchangeError`` (nothing written) when the file no longer fits the
    catalogue. Either way the kept file is removed."""
    try:
        return import_tools(document_of(upload), author=author, source=f"upload {upload.name}")
    finally:
        forget_kept()


def discard(token: str) -> None:
    _kept_path(token)
    forget_kept()


def forget_kept() -> None:
    """Remove this session's kept upload, if any, from disk and from the session."""
    kept = session.pop(SESSION_KEY, None)
    if isinstance(kept, dict) and TOKEN.fullmatch(str(kept.get("token"))) and kept.get("extension") in EXTENSIONS:
        (imports_directory() / f"{kept['token']}.{kept['extension']}").unlink(missing_ok=True)


# Exporting ----------------------------------------------------------------------------------------------------------

@dataclass
class Export:
    filename: str
    mimetype: str
    text: str
    count: int


def export_catalogue(fmt: str) -> Export:
    """Every tool, whatever its status, as the command line's export writes it."""
    return _export(export_document(), fmt, "catalogue", "catalogue")


def export_results(wanted: SearchRequest, query_string: str, fmt: str) -> Export:
    """The published tools a catalogue search finds, in result order. Raises ``QueryError`` for a bad query."""
    result = search(replace(wanted, page=1, per_page=RESULTS_LIMIT))
    document = {"format": FORMAT_NAME, "version": FORMAT_VERSION,
                "tools": [tool_to_record(hit.tool) for hit in result.hits]}
    return _export(document, fmt, "results", f"results?{query_string}" if query_string else "results")


def _export(document: dict[str, Any], fmt: str, scope: str, target: str) -> Export:
    count = len(document["tools"])
    stem = "catalogue" if scope == "catalogue" else "catalogue-results"
    filename = f"{stem}-{utcnow().date().isoformat()}.{fmt}"
    audit.record("catalogue.export", target=target, detail=f"format: {fmt}, scope: {scope}, count: {count}")
    db.session.commit()
    if fmt == "csv":
        return Export(filename, "text/csv", dump_csv(document), count)
    return Export(filename, "application/json", dump_json(document), count)

