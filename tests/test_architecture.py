"""Imports point one way: kernel → search → features → app (docs/architecture.md draws the layers).

The graph is read from the source with ``ast``, imports inside functions included, so a late import cannot dodge it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "catalogue"

#: Lowest first. A module belongs to the layer of the longest prefix listed here (``catalogue`` itself is only the
#: app factory); every module must belong to one.
LAYERS = {
    "kernel": ("catalogue.extensions", "catalogue.config", "catalogue.policy", "catalogue.clock", "catalogue.models",
               "catalogue.audit", "catalogue.errors", "catalogue.mail", "catalogue.markdown", "catalogue.rows",
               "catalogue.redirects", "catalogue.choices", "catalogue.forms", "catalogue.slugs", "catalogue.paging",
               "catalogue.times", "catalogue.labels", "catalogue.spreadsheets", "catalogue.charts",
               "catalogue.templating", "catalogue.languages", "catalogue.taxonomy", "catalogue.records",
               "catalogue.conflicts", "catalogue.sources"),
    "search": ("catalogue.search", "catalogue.kept_pages"),
    "features": ("catalogue.accounts", "catalogue.admin", "catalogue.agencies", "catalogue.api", "catalogue.assessment",
                 "catalogue.agreements", "catalogue.providers",
                 "catalogue.contact", "catalogue.curation", "catalogue.entry_translations", "catalogue.guidance",
                 "catalogue.interchange", "catalogue.pages", "catalogue.people", "catalogue.shortlist",
                 "catalogue.tools", "catalogue.trainings", "catalogue.transfer", "catalogue.vocabularies",
                 "catalogue.workspace", "catalogue.languages.views"),
    "app": ("catalogue", "catalogue.cli", "catalogue.health", "catalogue.observability", "catalogue.operations",
            "catalogue.static_files"),
}
ORDER = list(LAYERS)


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def sources(root: Path = PACKAGE) -> dict[str, str]:
    return {module_name(path, root): path.read_text(encoding="utf-8") for path in sorted(root.rglob("*.py"))}


def imports(source: str) -> list[tuple[str, int]]:
    """Every ``catalogue`` module a source imports (``from catalogue.x import y`` counts ``catalogue.x.y`` when y is
    a module, so the longest known prefix decides), with the line."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names if alias.name.startswith("catalogue")]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and \
                node.module.startswith("catalogue"):
            found += [(f"{node.module}.{alias.name}", node.lineno) for alias in node.names]
    return found


def layer_of(module: str) -> str | None:
    best, layer = "", None
    for name, prefixes in LAYERS.items():
        for prefix in prefixes:
            below = prefix != "catalogue" and module.startswith(prefix + ".")  # the package itself: only its own
            if (module == prefix or below) and len(prefix) > len(best):
                best, layer = prefix, name
    return layer


def feature_of(module: str) -> str | None:
    """The feature package (``catalogue.tools``…) of a feature module."""
    if layer_of(module) != "features":
        return None
    return "catalogue.languages.views" if module.startswith("catalogue.languages.views") else \
        ".".join(module.split(".")[:2])


def resolve(imported: str, modules: set[str]) -> str:
    """``catalogue.x.y`` is the module ``catalogue.x.y`` if there is one, else the name ``y`` of ``catalogue.x``."""
    return imported if imported in modules else imported.rsplit(".", 1)[0]


def violations(found: dict[str, str]) -> list[str]:
    """What breaks the rules in ``{module: source}``: modules outside every layer, imports of a higher layer,
    imports of another feature's views, and features importing each other."""
    problems = [f"{module} belongs to no layer (add it to LAYERS and docs/architecture.md)"
                for module in found if layer_of(module) is None]
    modules = set(found)
    feature_edges: dict[str, set[str]] = {}
    for module, source in found.items():
        own = layer_of(module)
        if own is None:
            continue
        for imported, line in imports(source):
            target = resolve(imported, modules)
            theirs = layer_of(target)
            if theirs is None:
                continue
            if ORDER.index(theirs) > ORDER.index(own):
                problems.append(f"{module}:{line} ({own}) imports {target} ({theirs}), a higher layer")
            mine, other = feature_of(module), feature_of(target)
            if mine and other and mine != other:
                if target.split(".")[-1] == "views" or ".views." in target + ".":
                    problems.append(f"{module}:{line} imports {target}: features meet through services, not views")
                feature_edges.setdefault(mine, set()).add(other)
    for a, targets in feature_edges.items():
        for b in targets:
            if a < b and a in feature_edges.get(b, set()):
                problems.append(f"{a} and {b} import each other: one of them must own what both need")
    return problems


def test_imports_point_one_way():
    assert violations(sources()) == []


def test_every_kernel_and_feature_package_is_listed():
    listed = {prefix for prefixes in LAYERS.values() for prefix in prefixes}
    top_level = {module_name(path, PACKAGE) for path in PACKAGE.iterdir()
                 if (path.suffix == ".py" or (path / "__init__.py").exists()) and path.name != "__init__.py"}
    assert top_level <= listed


@pytest.mark.parametrize(("module", "source", "expected"), [
    ("catalogue.models.tools", "from catalogue.tools.services import get_published\n", "a higher layer"),
    ("catalogue.search.schema", "def build():\n    from catalogue.guidance import content\n", "a higher layer"),
    ("catalogue.taxonomy", "import catalogue.cli\n", "a higher layer"),
    ("catalogue.trainings.manage", "from catalogue.curation.views import me\n", "not views"),
    ("catalogue.newthing", "x = 1\n", "belongs to no layer"),
])
def test_a_back_import_is_caught(module, source, expected):
    """The checker itself: each of these would slip into the code base unseen if it answered nothing."""
    found = {"catalogue.tools.services": "", "catalogue.guidance.content": "", "catalogue.guidance": "",
             "catalogue.curation.views": "", "catalogue.cli": "", module: source}
    problems = violations(found)
    assert any(expected in problem and module in problem for problem in problems), problems


def test_two_features_importing_each_other_are_caught():
    found = {"catalogue.tools.services": "from catalogue.guidance.services import for_tool\n",
             "catalogue.guidance.services": "from catalogue.tools.services import published\n"}
    assert violations(found) == ["catalogue.guidance and catalogue.tools import each other: one of them must own what "
                                 "both need"]


def test_the_real_tree_has_the_shape_the_checker_expects():
    """Guards the checker against passing because it read nothing: the real tree has modules in every layer and
    imports between features."""
    found = sources()
    assert {layer_of(module) for module in found} == set(LAYERS)
    assert any(feature_of(resolve(target, set(found))) not in (None, feature_of(module))
               for module, source in found.items() if feature_of(module) for target, _line in imports(source))
