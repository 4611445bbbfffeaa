"""The current time for rules that depend on it (answer deadlines, overdue requests, rate limits).

Services call ``clock.now()`` through the module, so tests can move time with ``monkeypatch.setattr(clock, "now", …)``
(see ``tests/conftest.py``'s ``clock`` fixture) instead of sleeping.
"""

from __future__ import annotations

from datetime import datetime

from catalogue.models.base import utcnow


def now() -> datetime:
    """Naive UTC, like every stored time."""
    return utcnow()
