"""Relevance benchmark: how well search ranks the demo tools for a judged set of queries.

Usage: .venv/bin/python -m benchmarks.relevance [--json] [--kind KIND] [--verbose]

Builds the demo catalogue (tools only) in a temporary directory, runs every query of
``tests/relevance/queries.json`` through the catalogue's search service (relevance sort, first 10 hits, the query's
language as the reader's) and prints success@3, MRR and nDCG@10 overall and per kind. ``--verbose`` adds each
query, what was expected, the top 5 returned and the rank of the first relevant tool.

The judgements say which demo tools a user typing the query means, written from the entries' meaning rather than
from what the engine returned; see ``tests/relevance/README.md``. ``tests/test_relevance.py`` runs the same set
through the same functions and holds success@3 above a floor.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from catalogue.cli import DEMO_FILE
from catalogue.taxonomy import SEED_FILE, TERM_FIELDS

JUDGED_FILE = Path(__file__).resolve().parent.parent / "tests" / "relevance" / "queries.json"
OTHER_LANGUAGES = ("fr", "es", "ru", "ar", "zh")
LANGUAGES = ("en", *OTHER_LANGUAGES)
KINDS = ("sentence", "synonym", "acronym", "typo", "split_join", *OTHER_LANGUAGES, "filtered", "name")
GRADES = (1, 2)
SUCCESS_DEPTH, NDCG_DEPTH, SHOWN = 3, 10, 5


class JudgedSetError(ValueError):
    """The judged file names a tool, term, kind or language that does not exist; every problem is listed."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s) in the judged queries:\n  " + "\n  ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Judged:
    query: str
    kind: str
    relevant: dict[str, int]  # tool slug → 2 (exactly what is asked for) or 1 (partly)
    language: str = "en"
    filters: dict[str, list[str]] = field(default_factory=dict)
    note: str = ""


@dataclass
class Outcome:
    judged: Judged
    ranked: list[str]  # slugs of the first hits, best first
    error: str = ""  # the message of a QueryError; the query then counts as finding nothing

    @property
    def first_relevant(self) -> int | None:
        return first_relevant_rank(self.ranked, self.judged.relevant)


# ---- the judged set ----------------------------------------------------------------------------------------------

def load_judged(path: Path = JUDGED_FILE) -> list[Judged]:
    """Read and validate the judged queries; raises ``JudgedSetError`` listing every problem."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    problems: list[str] = []
    judged = []
    allowed = {"query", "kind", "relevant", "language", "filters", "note"}
    for number, item in enumerate(raw, 1):
        unknown = set(item) - allowed
        missing = {"query", "kind", "relevant"} - set(item)
        if unknown or missing:
            problems.append(f"#{number}: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}")
            continue
        judged.append(Judged(query=item["query"], kind=item["kind"], relevant=dict(item["relevant"]),
                             language=item.get("language", "en"), filters=dict(item.get("filters", {})),
                             note=item.get("note", "")))
    problems += validate(judged, demo_tools(), vocabulary_terms())
    if problems:
        raise JudgedSetError(problems)
    return judged


@dataclass(frozen=True)
class DemoTool:
    status: str
    terms: dict[str, set[str]]  # vocabulary → term slugs


def demo_tools() -> dict[str, DemoTool]:
    """Every demo tool by slug, published or not."""
    tools = json.loads(DEMO_FILE.read_text(encoding="utf-8"))["tools"]
    result = {}
    for tool in tools:
        terms = {}
        for vocabulary in TERM_FIELDS:
            value = tool.get(vocabulary) or []
            terms[vocabulary] = set(value if isinstance(value, list) else [value])
        result[tool["slug"]] = DemoTool(tool.get("status", "published"), terms)
    return result


def vocabulary_terms() -> dict[str, set[str]]:
    """The seeded vocabularies' slugs → their term slugs."""
    document = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    return {v["slug"]: {t["slug"] for t in v["terms"]} for v in document["vocabularies"]}


def validate(judged: list[Judged], tools: dict[str, DemoTool], vocabularies: dict[str, set[str]]) -> list[str]:
    """Every problem that would make a figure meaningless: unknown tools, terms, kinds or languages, bad grades, a
    relevant tool search can never return (not published, or excluded by the query's own filters), and the same
    query judged twice."""
    problems = []
    seen = set()
    for item in judged:
        where = f"{item.query!r} ({item.kind}, {item.language})"
        key = (item.query, item.language, json.dumps(item.filters, sort_keys=True))
        if key in seen:
            problems.append(f"{where}: judged twice")
        seen.add(key)
        if not item.query.strip():
            problems.append(f"{where}: empty query (without words the list is sorted by name, not relevance)")
        if item.kind not in KINDS:
            problems.append(f"{where}: unknown kind {item.kind!r}; kinds are {', '.join(KINDS)}")
        if item.language not in LANGUAGES:
            problems.append(f"{where}: unknown language {item.language!r}")
        if item.kind in OTHER_LANGUAGES and item.language != item.kind:
            problems.append(f"{where}: a {item.kind} query must have language {item.kind!r}")
        if not item.relevant:
            problems.append(f"{where}: no relevant tool")
        for vocabulary, values in item.filters.items():
            if vocabulary not in vocabularies:
                problems.append(f"{where}: unknown vocabulary {vocabulary!r} in filters")
                continue
            if not isinstance(values, list) or not values:
                problems.append(f"{where}: filter {vocabulary!r} must be a non-empty list of term slugs")
                continue
            for value in values:
                if value not in vocabularies[vocabulary]:
                    problems.append(f"{where}: unknown term {value!r} in vocabulary {vocabulary!r}")
        for slug, grade in item.relevant.items():
            if slug not in tools:
                problems.append(f"{where}: unknown tool {slug!r}")
                continue
            if tools[slug].status != "published":
                problems.append(f"{where}: tool {slug!r} is {tools[slug].status}, not published: search never "
                                "returns it")
            if grade not in GRADES:
                problems.append(f"{where}: grade {grade!r} for {slug!r}; grades are 1 (partly) and 2 (exactly)")
            excluded = [v for v, values in item.filters.items()
                        if v in vocabularies and not tools[slug].terms.get(v, set()) & set(values)]
            if excluded:
                problems.append(f"{where}: relevant tool {slug!r} is excluded by its own filter(s) {excluded}")
    return problems


# ---- metrics -----------------------------------------------------------------------------------------------------

def first_relevant_rank(ranked: list[str], relevant: dict[str, int], depth: int = NDCG_DEPTH) -> int | None:
    for rank, slug in enumerate(ranked[:depth], 1):
        if relevant.get(slug, 0) > 0:
            return rank
    return None


def success_at(ranked: list[str], relevant: dict[str, int], depth: int = SUCCESS_DEPTH) -> float:
    return 1.0 if first_relevant_rank(ranked, relevant, depth) else 0.0


def reciprocal_rank(ranked: list[str], relevant: dict[str, int], depth: int = NDCG_DEPTH) -> float:
    rank = first_relevant_rank(ranked, relevant, depth)
    return 1.0 / rank if rank else 0.0


def ndcg_at(ranked: list[str], relevant: dict[str, int], depth: int = NDCG_DEPTH) -> float:
    """Normalised discounted cumulative gain with graded gains 2^grade − 1; the ideal ranks the judged tools by
    grade."""
    def dcg(grades: Iterable[int]) -> float:
        return sum((2 ** grade - 1) / math.log2(position + 1) for position, grade in enumerate(grades, 1))

    ideal = dcg(sorted(relevant.values(), reverse=True)[:depth])
    return dcg(relevant.get(slug, 0) for slug in ranked[:depth]) / ideal if ideal else 0.0


def summarise(outcomes: list[Outcome]) -> dict:
    """success@3, MRR and nDCG@10 overall and per kind (in ``KINDS`` order), with the number of queries."""
    def figures(group: list[Outcome]) -> dict:
        n = len(group)
        return {
            "queries": n,
            "success_at_3": sum(success_at(o.ranked, o.judged.relevant) for o in group) / n if n else 0.0,
            "mrr": sum(reciprocal_rank(o.ranked, o.judged.relevant) for o in group) / n if n else 0.0,
            "ndcg_at_10": sum(ndcg_at(o.ranked, o.judged.relevant) for o in group) / n if n else 0.0,
        }

    kinds = {kind: figures([o for o in outcomes if o.judged.kind == kind]) for kind in KINDS}
    return {"overall": figures(outcomes), "kinds": {k: v for k, v in kinds.items() if v["queries"]}}


# ---- running the queries -----------------------------------------------------------------------------------------

def run_query(judged: Judged) -> Outcome:
    """Run one query through the search service; needs an application and a request context."""
    from catalogue.search.query import QueryError
    from catalogue.search.service import SearchRequest, search

    request = SearchRequest(text=judged.query, filters={k: list(v) for k, v in judged.filters.items()},
                            language=judged.language, per_page=NDCG_DEPTH)
    try:
        result = search(request)
    except QueryError as error:
        return Outcome(judged, [], str(error))
    return Outcome(judged, [hit.tool.slug for hit in result.hits])


def run_all(app, judged: list[Judged]) -> list[Outcome]:
    """Every query, in one request context of ``app`` (an app holding the demo catalogue)."""
    with app.test_request_context():
        return [run_query(item) for item in judged]


def build_demo_app(data_dir: Path):
    """An app on ``data_dir`` holding the published demo tools and their search index, as the test fixtures build
    it (no demo translations: every demo tool is searched by its English text)."""
    from catalogue import create_app
    from catalogue.extensions import db
    from catalogue.interchange.reading import read_file
    from catalogue.interchange.services import import_tools
    from catalogue.search import store

    app = create_app({
        "TESTING": True,
        "CATALOGUE_DATA_DIR": data_dir,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{data_dir / 'catalogue.sqlite3'}",
        "CATALOGUE_PUBLIC_BROWSING": True,
    })
    with app.app_context():
        db.create_all()
        store.rebuild()
        import_tools(read_file(DEMO_FILE))
    return app


# ---- reporting ---------------------------------------------------------------------------------------------------

def detail(outcome: Outcome) -> dict:
    judged = outcome.judged
    return {
        "query": judged.query, "kind": judged.kind, "language": judged.language, "filters": judged.filters,
        "expected": judged.relevant, "top": outcome.ranked[:SHOWN], "first_relevant": outcome.first_relevant,
        "ndcg_at_10": round(ndcg_at(outcome.ranked, judged.relevant), 4), "error": outcome.error or None,
    }


def format_table(summary: dict) -> str:
    rows = [("overall", summary["overall"]), *summary["kinds"].items()]
    lines = [f"{'kind':<12} {'queries':>7} {'success@3':>9} {'MRR':>6} {'nDCG@10':>7}"]
    for name, f in rows:
        lines.append(f"{name:<12} {f['queries']:>7} {f['success_at_3']:>9.3f} {f['mrr']:>6.3f} {f['ndcg_at_10']:>7.3f}")
    return "\n".join(lines)


def format_detail(outcome: Outcome) -> str:
    d = detail(outcome)
    expected = ", ".join(f"{slug} ({grade})" for slug, grade in sorted(d["expected"].items(), key=lambda x: -x[1]))
    top = ", ".join(f"{slug}{'*' if slug in d['expected'] else ''}" for slug in d["top"]) or "(nothing)"
    rank = d["first_relevant"] or "-"
    head = f"[{d['kind']}/{d['language']}] {d['query']!r}"
    if d["filters"]:
        head += f" filters={json.dumps(d['filters'], ensure_ascii=False)}"
    lines = [head, f"    expected: {expected}", f"    top {SHOWN}:    {top}", f"    first relevant: {rank}"]
    if d["error"]:
        lines.append(f"    refused: {d['error']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None, out: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.relevance", description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures (and details) as JSON")
    parser.add_argument("--kind", choices=KINDS, help="only the queries of this kind")
    parser.add_argument("--verbose", action="store_true", help="per query: expected, top 5, first relevant rank")
    parser.add_argument("--file", type=Path, default=JUDGED_FILE, help="the judged queries (default: %(default)s)")
    args = parser.parse_args(argv)

    try:
        judged = load_judged(args.file)
    except JudgedSetError as error:
        print(error, file=sys.stderr)
        return 2
    if args.kind:
        judged = [item for item in judged if item.kind == args.kind]

    with tempfile.TemporaryDirectory(prefix="relevance-") as directory:
        started = time.perf_counter()
        app = build_demo_app(Path(directory))
        built = time.perf_counter()
        outcomes = run_all(app, judged)
        finished = time.perf_counter()
        from catalogue.extensions import db

        with app.app_context():
            db.engine.dispose()

    summary = summarise(outcomes)
    timings = {"build_seconds": round(built - started, 2), "query_seconds": round(finished - built, 2)}
    if args.json:
        document = {**summary, **timings}
        if args.verbose:
            document["details"] = [detail(o) for o in outcomes]
        out(json.dumps(document, indent=2, ensure_ascii=False))
        return 0
    if args.verbose:
        for outcome in outcomes:
            out(format_detail(outcome))
        out("")
    out(format_table(summary))
    out(f"\nBuilt the demo catalogue in {timings['build_seconds']} s; "
        f"ran {len(outcomes)} queries in {timings['query_seconds']} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
