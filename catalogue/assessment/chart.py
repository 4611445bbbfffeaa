"""Readiness scores as a bar chart (``catalogue/charts.py``): a fixed 0–100 % scale and bars coloured by level."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _

from catalogue import charts
from catalogue.languages.formatting import percent

TICKS = (0, 25, 50, 75, 100)


def bar_chart(labels: Sequence[str], series: Sequence[Sequence[tuple[int | None, str | None]]]) -> charts.Chart:
    """One row per label, one bar per series in each row; ``series[i][row]`` is ``(score or None, level)``."""
    points = [[(score, _("no answers")) if score is None else (score, percent(score), f"chart-level-{level}")
               for score, level in scores] for scores in series]
    return charts.bar_chart(labels, points, charts.ASSESSMENT, ticks=TICKS, tick_text=percent)
