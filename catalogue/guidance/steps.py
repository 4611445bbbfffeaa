"""The investigative workflow: its eight steps with the tools and guidance for each, and the step × technology
coverage that shows where the catalogue has gaps."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from catalogue.extensions import db
from catalogue.guidance import services
from catalogue.models import GuidancePage, Term, Tool, tool_terms
from catalogue.taxonomy import term_counts, term_index

STEPS = "workflow_steps"
TECHNOLOGIES = "technologies"
SAMPLE = 5  # tools named under each step; the rest are one link away


@dataclass
class Step:
    term: Term
    count: int
    tools: list = field(default_factory=list)  # the first few (slug, name, demo), by name
    guidance: list[GuidancePage] = field(default_factory=list)


@dataclass
class Coverage:
    rows: list[Term]  # workflow steps
    columns: list[Term]  # technologies
    counts: dict[tuple[int, int], int]
    highest: int

    def count(self, row: Term, column: Term) -> int:
        return self.counts.get((row.id, column.id), 0)

    def level(self, count: int) -> int:
        """0 for a gap, else 1–5 in proportion to the busiest cell: the heat map's shade."""
        return 0 if not count else max(1, min(5, -(-count * 5 // max(self.highest, 1))))

    @property
    def gaps(self) -> int:
        return sum(1 for row in self.rows for column in self.columns if not self.count(row, column))


def _terms(vocabulary_slug: str) -> list[Term]:
    """The vocabulary's terms as the catalogue's facets list them (merged terms left out), in display order."""
    return list(term_index().get(vocabulary_slug, {}).values())


def steps() -> list[Step]:
    found = [Step(term, count) for term, count in term_counts(STEPS) if term.merged_into_id is None]
    for step in found:
        step.tools = list(db.session.execute(
            select(Tool.slug, Tool.name, Tool.demo).join(tool_terms, tool_terms.c.tool_id == Tool.id)
            .where(Tool.status == "published", tool_terms.c.term_id == step.term.id)
            .order_by(func.lower(Tool.name), Tool.slug).limit(SAMPLE)))
        step.guidance = services.for_terms([step.term.id])
    return found


def coverage() -> Coverage:
    """Published tools per (workflow step, technology) pair, zero included."""
    rows, columns = _terms(STEPS), _terms(TECHNOLOGIES)
    step_link, technology_link = aliased(tool_terms), aliased(tool_terms)
    query = (select(step_link.c.term_id, technology_link.c.term_id, func.count(Tool.id))
             .join(Tool, Tool.id == step_link.c.tool_id)
             .join(technology_link, technology_link.c.tool_id == Tool.id)
             .where(Tool.status == "published", step_link.c.term_id.in_([t.id for t in rows]),
                    technology_link.c.term_id.in_([t.id for t in columns]))
             .group_by(step_link.c.term_id, technology_link.c.term_id))
    counts = {(row, column): n for row, column, n in db.session.execute(query)}
    return Coverage(rows, columns, counts, max(counts.values(), default=0))
