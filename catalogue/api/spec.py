"""The OpenAPI 3.1 document, built from the routes themselves: each API view carries its description (``described``),
and ``document`` walks the app's URL map, so a route cannot exist without being described (a test checks it).

OpenAPI 3.1 schemas are JSON Schema 2020-12, the dialect ``jsonschema`` (already a dependency) validates: the JSON
bodies are checked against the very schemas this document publishes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Flask

from catalogue.api import schemas

PREFIX = "/api/v1"
PROBLEM = {"description": "A problem document (RFC 9457).",
           "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
COMMON_ERRORS = {"400": PROBLEM, "401": PROBLEM, "403": PROBLEM, "429": PROBLEM}


def described(summary: str, *, description: str = "", parameters: list[dict] | None = None,
              response: str | None = None, body: str | None = None, errors: tuple[int, ...] = (),
              examples: list[dict] | None = None, tag: str = "Catalogue", success: int = 200,
              write: bool = False) -> Callable:
    """Attach the view's OpenAPI operation. ``response`` and ``body`` name schemas of ``schemas.SCHEMAS``;
    ``examples`` are requests (``query``, ``body``, ``path``) with the status they answer, run by the contract test."""

    def decorate(view: Callable) -> Callable:
        view.openapi = {"summary": summary, "description": description, "parameters": parameters or [],
                        "response": response, "body": body, "errors": errors, "examples": examples or [],
                        "tag": tag, "success": success, "write": write}
        return view

    return decorate


def query(name: str, description: str, schema: dict, *, repeated: bool = False, example: Any = None) -> dict:
    parameter = {"name": name, "in": "query", "description": description, "required": False,
                 "schema": {"type": "array", "items": schema} if repeated else schema}
    if repeated:
        parameter.update(style="form", explode=True)
    if example is not None:
        parameter["example"] = example
    return parameter


def header(name: str, description: str, required: bool = False) -> dict:
    return {"name": name, "in": "header", "description": description, "required": required,
            "schema": {"type": "string"}}


def openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def api_rules(app: Flask):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.rule.startswith(PREFIX + "/") and not rule.endpoint.endswith("unknown"):
            yield rule


def document(app: Flask, server: str = "") -> dict[str, Any]:
    paths: dict[str, dict] = {}
    for rule in api_rules(app):
        view = app.view_functions[rule.endpoint]
        meta = getattr(view, "openapi", None)
        if meta is None:
            continue
        path = openapi_path(rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = operation(rule, meta)
    return {
        "openapi": "3.1.0",
        "info": {"title": "AI Tools Catalogue API", "version": "1.0.0",
                 "description": "The vetted catalogue of AI tools for child-protection investigators, for programs: "
                                "search with facets, tool records, guidance, trainings, a changes feed for mirrors, "
                                "and curators' drafts and proposed changes (published only after a second curator "
                                "approves them in the web interface). Errors are RFC 9457 problem documents."},
        "servers": [{"url": server or "/"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "cat_<id>_<secret>",
                           "description": "A personal access token made on the account page."},
                "session": {"type": "apiKey", "in": "cookie", "name": "session",
                            "description": "A signed-in browser session; changes also need the X-CSRFToken "
                                           "header."},
            },
            "schemas": schemas.SCHEMAS,
        },
    }


def operation(rule, meta: dict) -> dict:
    parameters = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                  for name in sorted(rule.arguments)]
    for parameter in meta["parameters"]:  # a callable lists parameters known only once the app is made (facets)
        parameters += parameter() if callable(parameter) else [parameter]
    success = {"description": "Success."}
    if meta["response"]:
        success["content"] = {"application/json": {"schema": {"$ref": f"#/components/schemas/{meta['response']}"}}}
        if meta["success"] == 200:
            success["headers"] = {"ETag": {"description": "Send it back in If-None-Match: 304 while unchanged.",
                                           "schema": {"type": "string"}}}
    responses = {str(meta["success"]): success, **COMMON_ERRORS}
    if not meta["write"]:
        responses["304"] = {"description": "Not modified since the ETag sent in If-None-Match."}
    for code in meta["errors"]:
        responses[str(code)] = PROBLEM
    described_op = {"operationId": rule.endpoint.split(".")[-1], "summary": meta["summary"], "tags": [meta["tag"]],
                    "parameters": parameters, "responses": responses}
    if meta["description"]:
        described_op["description"] = meta["description"]
    if meta["body"]:
        described_op["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{meta['body']}"}}}}
    if meta["examples"]:
        described_op["x-examples"] = meta["examples"]
    return described_op
