"""Geometry of the oversight page's horizontal bar charts, drawn as inline SVG by ``templates/contact/oversight.html``.

The same approach as the readiness chart (``catalogue/assessment/chart.py``): coordinates in the SVG's own units (its
``viewBox``), CSS scales the drawing, colours come from classes in ``site.css`` and ``print.css`` (the
Content-Security-Policy forbids inline styles), and every value is also printed as text beside its bar. Unlike the
readiness chart the scale is not fixed at 100 %: it grows to a round number above the largest value.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

WIDTH = 720
LABEL_WIDTH = 270  # row labels, right-aligned at LABEL_WIDTH - 10
PLOT_WIDTH = 340  # the largest tick; the rest of the width holds the value printed after the longest bar
TOP = 8
BAR_HEIGHT = 18
BAR_GAP = 3  # between the bars of one row
ROW_GAP = 12  # between rows
AXIS_HEIGHT = 26
LABEL_CHARS = 36  # longer labels are shortened in the drawing; the table beside it has them in full
TICKS = 4  # at most this many steps between 0 and the largest tick


@dataclass(frozen=True)
class Bar:
    series: int
    value: float | None  # None: nothing to measure (drawn as text only)
    text: str
    x: int
    y: int
    width: float
    height: int
    text_x: float
    text_y: float


@dataclass(frozen=True)
class Row:
    label: str  # as drawn, perhaps shortened
    full_label: str
    label_y: float
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Tick:
    value: float
    text: str
    x: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_left: int
    plot_top: int
    plot_bottom: int
    text_y: int
    rows: tuple[Row, ...]
    ticks: tuple[Tick, ...]


def nice_step(maximum: float, steps: int = TICKS) -> float:
    """The smallest of 1, 2, 2.5 and 5 times a power of ten that covers ``maximum`` in at most ``steps`` steps."""
    if maximum <= 0:
        return 1
    rough = maximum / steps
    power = 10 ** math.floor(math.log10(rough))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * power >= rough:
            return factor * power
    return 10 * power  # pragma: no cover - the loop always returns


def tick_values(maximum: float, steps: int = TICKS, whole: bool = False) -> list[float]:
    """Ticks from 0 to the first multiple of the step at or above ``maximum``; ``whole`` keeps steps integers."""
    step = nice_step(maximum, steps)
    if whole:
        step = max(1, math.ceil(step))
    count = max(1, math.ceil(maximum / step - 1e-9))
    return [round(step * index, 6) for index in range(count + 1)]


def shorten(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def bar_chart(labels: Sequence[str], series: Sequence[Sequence[tuple[float | None, str]]],
              tick_text: Callable[[float], str] = lambda value: f"{value:g}", whole: bool = False) -> Chart:
    """One row per label and one bar per series in each row; ``series[i][row]`` is ``(value or None, its text)``.

    Values share one scale from 0 to a round number at or above the largest; ``tick_text`` labels the ticks.
    """
    per_row = len(series)
    row_height = per_row * BAR_HEIGHT + (per_row - 1) * BAR_GAP
    values = [value for values in series for value, _text in values if value is not None]
    ticks = tick_values(max(values, default=0), whole=whole)
    top = ticks[-1]

    def x_of(value: float) -> float:
        return LABEL_WIDTH + PLOT_WIDTH * max(0.0, min(value, top)) / top

    rows = []
    y = TOP
    for index, label in enumerate(labels):
        bars = []
        for number, values_of_series in enumerate(series):
            value, text = values_of_series[index]
            bar_y = y + number * (BAR_HEIGHT + BAR_GAP)
            width = x_of(value or 0) - LABEL_WIDTH
            bars.append(Bar(series=number, value=value, text=text, x=LABEL_WIDTH, y=bar_y, width=round(width, 1),
                            height=BAR_HEIGHT, text_x=round(LABEL_WIDTH + width + 6, 1),
                            text_y=bar_y + BAR_HEIGHT / 2))
        rows.append(Row(label=shorten(label), full_label=label, label_y=y + row_height / 2, bars=tuple(bars)))
        y += row_height + ROW_GAP
    plot_bottom = y - ROW_GAP + 6
    return Chart(width=WIDTH, height=plot_bottom + AXIS_HEIGHT, plot_left=LABEL_WIDTH, plot_top=TOP - 4,
                 plot_bottom=plot_bottom, text_y=plot_bottom + 18, rows=tuple(rows),
                 ticks=tuple(Tick(value, tick_text(value), round(x_of(value), 1)) for value in ticks))
