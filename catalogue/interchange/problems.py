"""What goes wrong in an interchange file, reported so a person can find and fix it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    message: str
    record: int | None = None  # 1-based position in the file's list of tools
    slug: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = []
        if self.record is not None:
            where.append(f"record {self.record}")
        if self.slug:
            where.append(f"slug '{self.slug}'")
        if self.field:
            where.append(f"field '{self.field}'")
        return f"{', '.join(where)}: {self.message}" if where else self.message


#: A file with thousands of faulty records would make a report nobody reads (and a page that takes long to send): the
#: first ones are listed, the rest counted.
REPORTED_PROBLEMS = 100


class InterchangeError(Exception):
    """The file cannot be imported. ``problems`` lists the first ``REPORTED_PROBLEMS`` reasons found, ``total`` counts
    all of them and ``more`` those not listed."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the import file")
        self.total = len(problems)
        self.problems = problems[:REPORTED_PROBLEMS]
        self.more = self.total - len(self.problems)
