"""Typed SQLAlchemy models, one module per domain."""

from catalogue.models.base import Base
from catalogue.models.tools import STATUSES, Term, Tool, Vocabulary, tool_terms

__all__ = ["Base", "STATUSES", "Term", "Tool", "Vocabulary", "tool_terms"]
