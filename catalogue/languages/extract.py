"""A Babel extractor for the wording shipped in ``catalogue/data/*.json`` (vocabularies, the readiness
questionnaire), so those sentences are translated in the same message catalogues as the templates.

``babel.cfg`` names it as ``[catalogue.languages.extract.extract_json: …]``.
"""

from __future__ import annotations

import json

#: The keys whose values readers see; slugs, ids and references are left alone.
TEXT_KEYS = frozenset({"label", "description", "text", "help", "recommendation"})


def extract_json(fileobj, keywords, comment_tags, options):
    """Yield ``(lineno, funcname, message, comments)`` for every readable string, as Babel expects."""
    data = json.load(fileobj)
    for path, value in _walk(data, ""):
        yield 0, None, value, [f"{fileobj.name.rsplit('/', 1)[-1]}: {path}"] if hasattr(fileobj, "name") else []


def _walk(node, path):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in TEXT_KEYS and isinstance(value, str) and value.strip():
                yield f"{path}.{key}", value
            else:
                yield from _walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{path}[{index}]")
