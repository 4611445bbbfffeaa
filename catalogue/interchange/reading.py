"""Turn an interchange file (JSON or CSV) into validated tool records, or a full list of problems."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pycountry
from jsonschema import Draft202012Validator

from catalogue import sources
from catalogue.interchange.fields import CSV_LIST_SEPARATOR, FORMAT_NAME, FORMAT_VERSION
from catalogue.interchange.problems import InterchangeError, Problem
from catalogue.records import LIST_FIELDS, TIMESTAMP_FIELDS, TIMESTAMP_FORMAT, TOOL_FIELDS
from catalogue.taxonomy import MULTI_TERM_FIELDS, SINGLE_TERM_FIELDS

SCHEMA_FILE = Path(__file__).with_name("tools-v1.schema.json")

PATTERN_MESSAGES = {
    "slug": "must use only lowercase letters, digits and single hyphens, e.g. 'chat-triage'",
    "country": "must be an ISO 3166-1 alpha-2 code in capitals, e.g. 'FR'",
    "website": "must be a web address starting with http:// or https://",
    "last_reviewed": "must be a date written YYYY-MM-DD",
    "languages": "must list ISO 639-1 codes in lowercase, e.g. 'en'",
    "created_at": "must be a UTC time written YYYY-MM-DDTHH:MM:SSZ",
    "updated_at": "must be a UTC time written YYYY-MM-DDTHH:MM:SSZ",
    "sources": "must give each source's date accessed as YYYY-MM-DD",
}
TYPE_NAMES = {"string": "text", "array": "list", "object": "object", "boolean": "true or false", "null": "null",
              "integer": "whole number"}


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def read_file(path: Path) -> dict[str, Any]:
    """Parse a JSON or (by its ``.csv`` suffix) CSV file into an interchange document."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise InterchangeError([Problem(f"cannot read {path}: {error.strerror}")]) from None
    except UnicodeDecodeError as error:
        raise InterchangeError([Problem(f"the file is not UTF-8 text (byte {error.start + 1})")]) from None
    return parse_csv(text) if path.suffix.lower() == ".csv" else parse_json(text)


def parse_json(text: str) -> dict[str, Any]:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InterchangeError(
            [Problem(f"malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}")]
        ) from None
    except RecursionError:
        raise InterchangeError([Problem("malformed JSON: nested too deeply")]) from None
    except ValueError:  # Python refuses to read an integer of more than 4,300 digits (a guard against slow parsing)
        raise InterchangeError([Problem("malformed JSON: a number has more than 4,300 digits")]) from None


def parse_csv(text: str) -> dict[str, Any]:
    """CSV has one row per tool, a header of field names, lists joined by ``|`` and empty cells for null."""
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = reader.fieldnames or []
        unknown = [name for name in header if name not in TOOL_FIELDS]
        if unknown:
            raise InterchangeError([Problem(f"unknown CSV column(s): {', '.join(unknown)}")])
        tools = [_csv_row_to_tool(row) for row in reader]
    except csv.Error as error:
        raise InterchangeError([Problem(f"malformed CSV at line {reader.line_num}: {error}")]) from None
    return {"format": FORMAT_NAME, "version": FORMAT_VERSION, "tools": tools}


def _csv_row_to_tool(row: dict[str, str | None]) -> dict[str, Any]:
    if None in row:
        raise csv.Error("more cells than columns")
    tool: dict[str, Any] = {}
    for key, value in row.items():
        value = _without_formula_guard(value or "")
        value = value.strip() if key not in ("description", "responsible_use") else value
        if key in LIST_FIELDS:
            tool[key] = [part.strip() for part in value.split(CSV_LIST_SEPARATOR) if part.strip()]
        elif key == "sources":
            tool[key] = _csv_sources(value)
        elif key == "demo":
            tool[key] = value.lower() in ("true", "1", "yes")
        elif value == "" and key not in ("description", "responsible_use"):
            if key in ("slug", "name", "organisation", "summary"):
                tool[key] = ""
            elif key != "status":
                tool[key] = None
        else:
            tool[key] = value
    return tool


def _csv_sources(value: str) -> Any:
    """A CSV cell holds the sources as a JSON list (empty for none); text that is not JSON is left for the schema
    check to report."""
    if not value:
        return []
    try:
        return json.loads(value)
    except (ValueError, RecursionError):
        return value


def _without_formula_guard(value: str) -> str:
    """Undo the apostrophe our CSV exports put before a cell starting with = + - @, so a round trip is exact."""
    return value[1:] if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@", "\t", "\r") else value


def validate_document(document: Any, terms: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Check structure (JSON Schema) and meaning (known terms, countries, languages, dates, unique slugs, no NUL).

    Returns normalised records, or raises ``InterchangeError`` with every problem found (the first ones listed).
    Linear in the size of the file, however many records are faulty.
    """
    problems = [_describe(error, document) for error in Draft202012Validator(schema()).iter_errors(document)]
    if not isinstance(document, dict) or not isinstance(document.get("tools"), list):
        raise InterchangeError(problems or [Problem("the file has no list of tools")])
    broken: dict[int | None, set] = {}
    for problem in problems:
        broken.setdefault(problem.record, set()).add(problem.field)
    first_seen: dict[str, int] = {}
    for number, raw in enumerate(document["tools"], start=1):
        if not isinstance(raw, dict):
            continue
        slug = raw.get("slug") if isinstance(raw.get("slug"), str) else None
        if slug and slug in first_seen:
            problems.append(Problem(f"the same slug is already used by record {first_seen[slug]}", number, slug,
                                    "slug"))
        elif slug:
            first_seen[slug] = number
        checks = _check_meaning(raw, terms, skip=broken.get(number, set()))
        problems.extend(Problem(message, number, slug, field) for field, message in checks)
        problems.extend(Problem("contains a NUL character (\\u0000), which cannot be stored; remove it", number,
                                slug, str(field)) for field in _fields_with_nul(raw))
    if problems:
        raise InterchangeError(sorted(problems, key=lambda p: (p.record or 0, p.field or "")))
    return [_normalise(raw) for raw in document["tools"]]


def _fields_with_nul(raw: dict[str, Any]) -> list[str]:
    """The fields holding a NUL character, in text or in a list: no database column stores it (PostgreSQL refuses
    it), so the import says so instead of failing later."""
    def has_nul(value: Any) -> bool:
        if isinstance(value, str):
            return "\x00" in value
        if isinstance(value, dict):
            return any(has_nul(item) for item in value.values())
        return isinstance(value, list) and any(isinstance(item, str | dict) and has_nul(item) for item in value)

    return [field for field, value in raw.items() if has_nul(value)]


def _describe(error, document: Any) -> Problem:
    path = list(error.absolute_path)
    record = path[1] + 1 if len(path) >= 2 and path[0] == "tools" and isinstance(path[1], int) else None
    field = path[2] if record and len(path) >= 3 else (path[0] if path and record is None else None)
    slug = None
    if record:
        raw = document["tools"][record - 1]
        slug = raw.get("slug") if isinstance(raw, dict) and isinstance(raw.get("slug"), str) else None
    kind, value, instance = error.validator, error.validator_value, error.instance
    if field == "sources" and len(path) >= 4 and isinstance(path[3], int):
        source = f"source {path[3] + 1}"
        if kind == "required":
            missing = [name for name in value if isinstance(instance, dict) and name not in instance]
            return Problem(f"{source} needs: {', '.join(missing)}", record, slug, field)
        if kind == "additionalProperties":
            extra = sorted(set(instance) - set(error.schema.get("properties", {})))
            return Problem(f"{source} has unknown field(s): {', '.join(extra)}; a source has title, reference, "
                           "kind and accessed", record, slug, field)
    if kind == "required":  # one error per missing field; its message names the field
        named = re.match(r"'([^']+)' is a required property", error.message)
        missing = [name for name in value if name not in instance]
        return Problem("this field is required", record, slug,
                       named.group(1) if named else (missing[0] if missing else None))
    if kind == "additionalProperties":
        extra = sorted(set(instance) - set(error.schema.get("properties", {})))
        where = "tool" if record else "file"
        return Problem(f"unknown field(s) for a {where}: {', '.join(extra)}", record, slug, None)
    if kind == "maxLength":
        return Problem(f"is {len(instance)} characters long; at most {value} are allowed", record, slug, field)
    if kind == "minLength":
        return Problem("must not be empty", record, slug, field)
    if kind == "minItems":
        return Problem(f"needs at least {value} term", record, slug, field)
    if kind == "uniqueItems":
        return Problem("lists the same value more than once", record, slug, field)
    if kind == "pattern":
        return Problem(f"{PATTERN_MESSAGES.get(str(field), 'has the wrong form')} (got {instance!r})",
                       record, slug, field)
    if kind == "type" and field == "sources" and isinstance(instance, str) and len(path) == 3:
        return Problem("must be a list of sources (in CSV: a JSON list, e.g. [{\"title\": \"…\", \"reference\": "
                       "\"https://…\", \"kind\": \"vendor\"}])", record, slug, field)
    if kind == "type":
        expected = value if isinstance(value, list) else [value]
        names = " or ".join(TYPE_NAMES.get(t, t) for t in expected)
        return Problem(f"must be {names}, not {type(instance).__name__}", record, slug, field)
    if kind == "oneOf" and field in SINGLE_TERM_FIELDS:
        return Problem(f"must be one term slug (text) or null, got {instance!r}", record, slug, field)
    if kind == "enum":
        return Problem(f"must be one of: {', '.join(map(str, value))} (got {instance!r})", record, slug, field)
    if kind == "const":
        return Problem(f"must be {value!r} (got {instance!r})", record, slug, field)
    return Problem(error.message, record, slug, field)


def _check_meaning(raw: dict[str, Any], terms: dict[str, dict[str, Any]], skip: set) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for field in MULTI_TERM_FIELDS + SINGLE_TERM_FIELDS:
        if field in skip or raw.get(field) is None:
            continue
        values = raw[field] if isinstance(raw[field], list) else [raw[field]]
        known = terms.get(field, {})
        for value in values:
            if isinstance(value, str) and value not in known:
                found.append((field, f"unknown term {value!r}; valid terms: {', '.join(known)}"))
    def text(field: str) -> str | None:
        value = raw.get(field)
        return value if field not in skip and isinstance(value, str) and value else None

    if text("country") and pycountry.countries.get(alpha_2=raw["country"]) is None:
        found.append(("country", f"{raw['country']!r} is not an ISO 3166-1 alpha-2 country code"))
    if "languages" not in skip and isinstance(raw.get("languages"), list):
        for code in raw["languages"]:
            if isinstance(code, str) and pycountry.languages.get(alpha_2=code) is None:
                found.append(("languages", f"{code!r} is not an ISO 639-1 language code"))
    if text("website") and not urlsplit(raw["website"]).hostname:
        found.append(("website", f"{raw['website']!r} has no host name"))
    if text("last_reviewed"):
        try:
            date.fromisoformat(raw["last_reviewed"])
        except ValueError:
            found.append(("last_reviewed", f"{raw['last_reviewed']!r} is not a real date"))
    for field in TIMESTAMP_FIELDS:
        if text(field):
            try:
                datetime.strptime(raw[field], TIMESTAMP_FORMAT)
            except ValueError:
                found.append((field, f"{raw[field]!r} is not a real time"))
    if "sources" not in skip and isinstance(raw.get("sources"), list):
        found.extend(("sources", message) for message in _source_problems(raw["sources"]))
    return found


def _source_problems(items: list) -> list[str]:
    found = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            continue
        reference, accessed = item.get("reference"), item.get("accessed")
        if isinstance(reference, str) and (problem := sources.reference_problem(reference)):
            found.append(f"source {number}: {reference[:80]!r}: {problem}")
        if isinstance(accessed, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", accessed):
            try:
                date.fromisoformat(accessed)
            except ValueError:
                found.append(f"source {number}: {accessed!r} is not a real date")
    return found


def _normalise(raw: dict[str, Any]) -> dict[str, Any]:
    record = {field: raw.get(field) for field in TOOL_FIELDS}
    for field in LIST_FIELDS:
        record[field] = list(record[field] or [])
    for field in ("description", "responsible_use"):
        record[field] = record[field] or ""
    for field in ("country", "website"):
        record[field] = record[field] or None
    record["status"] = record["status"] or "draft"
    record["demo"] = bool(record["demo"])
    record["sources"] = sources.normalise(record["sources"])
    if record["last_reviewed"]:
        record["last_reviewed"] = date.fromisoformat(record["last_reviewed"])
    for field in TIMESTAMP_FIELDS:
        if record[field]:
            record[field] = datetime.strptime(record[field], TIMESTAMP_FORMAT)
    return record
