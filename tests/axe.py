"""The axe-core accessibility audit for Playwright pages (axe vendored in ``tests/vendor/axe-core``).

The site's Content-Security-Policy forbids inline scripts, so ``page.add_script_tag(content=...)`` would be refused.
``page.evaluate`` runs through the DevTools protocol, which CSP does not govern: the page keeps its real headers and
the audit sees it as users do.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

AXE_SOURCE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"

#: WCAG 2.0, 2.1 and 2.2 at levels A and AA, plus Deque's best practices.
TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice")

#: Violations of these impacts fail a test; moderate and minor ones are recorded only.
BLOCKING = ("serious", "critical")

RUN = """async (tags) => {
    const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
    return results.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, tags: v.tags,
        nodes: v.nodes.map(n => ({target: n.target, html: n.html, impact: n.impact, summary: n.failureSummary})),
    }));
}"""

_source: str | None = None


def inject(page) -> None:
    """Load axe into ``page`` unless it is there already (it is gone after every navigation)."""
    global _source
    if page.evaluate("typeof window.axe === 'undefined'"):
        _source = _source or AXE_SOURCE.read_text(encoding="utf-8")
        page.evaluate(_source)


def audit(page) -> list[dict[str, Any]]:
    """Every violation axe finds on the page as it is now, of any impact."""
    inject(page)
    return page.evaluate(RUN, list(TAGS))


def blocking(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v["impact"] in BLOCKING]


def describe(violations: list[dict[str, Any]], nodes_per_rule: int = 5) -> str:
    """A readable list: rule id, impact and help, then the selector and HTML of each offending element."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"][:nodes_per_rule]:
            lines.append(f"    at {' > '.join(_flat(node['target']))}")
            lines.append(f"       {node['html'][:300]}")
        if len(violation["nodes"]) > nodes_per_rule:
            lines.append(f"    … and {len(violation['nodes']) - nodes_per_rule} more elements")
    return "\n".join(lines)


def _flat(target: list) -> list[str]:
    """axe gives a selector per frame or shadow root, each possibly a list itself."""
    return [part if isinstance(part, str) else " >>> ".join(part) for part in target]


def check(page, record: Path | None = None, label: str = "") -> list[dict[str, Any]]:
    """Audit ``page``; fail on any serious or critical violation; return the moderate and minor ones.

    With ``record``, every violation found is added to that JSON file under ``label`` (a CI artefact and the
    source of the list of known moderate issues in docs/accessibility.md).
    """
    violations = audit(page)
    if record is not None:
        found = json.loads(record.read_text(encoding="utf-8")) if record.exists() else {}
        found[label or page.url] = [{"id": v["id"], "impact": v["impact"], "help": v["help"],
                                     "targets": [" > ".join(_flat(n["target"])) for n in v["nodes"]]}
                                    for v in violations]
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps(found, indent=2, sort_keys=True, ensure_ascii=False), encoding="utf-8")
    serious = blocking(violations)
    assert not serious, f"axe found serious or critical violations on {page.url}:\n{describe(serious)}"
    return [v for v in violations if v["impact"] not in BLOCKING]
