"""Typed SQLAlchemy models, one module per domain."""

from catalogue.models.base import Base
from catalogue.models.search import SearchChange
from catalogue.models.tools import STATUSES, Term, Tool, Vocabulary, tool_terms

__all__ = ["Base", "STATUSES", "SearchChange", "Term", "Tool", "Vocabulary", "tool_terms"]
