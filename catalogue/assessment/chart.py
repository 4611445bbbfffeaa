"""Geometry of the horizontal bar chart drawn as SVG by ``templates/assessment/_chart.html`` (no JavaScript).

Coordinates are in the SVG's own units (its ``viewBox``); CSS scales the drawing to the page. Colours come from CSS
classes in ``site.css`` and ``print.css``, never from inline styles (the Content-Security-Policy forbids them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640
LABEL_WIDTH = 200  # principle names, right-aligned at LABEL_WIDTH - 10
PLOT_WIDTH = 360  # 100 %
TOP = 8
BAR_HEIGHT = 20
BAR_GAP = 3  # between the bars of one principle
ROW_GAP = 16  # between principles
AXIS_HEIGHT = 26
TICKS = (0, 25, 50, 75, 100)


@dataclass(frozen=True)
class Bar:
    series: int
    value: int | None
    level: str | None
    x: int
    y: int
    width: float
    height: int
    text_x: float
    text_y: float


@dataclass(frozen=True)
class Row:
    label: str
    label_y: float
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Tick:
    value: int
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


def x_of(value: float) -> float:
    return LABEL_WIDTH + PLOT_WIDTH * max(0, min(value, 100)) / 100


def bar_chart(labels: Sequence[str], series: Sequence[Sequence[tuple[int | None, str | None]]]) -> Chart:
    """One row per label, one bar per series in each row; ``series[i][row]`` is ``(score or None, level)``."""
    per_row = len(series)
    row_height = per_row * BAR_HEIGHT + (per_row - 1) * BAR_GAP
    rows = []
    y = TOP
    for index, label in enumerate(labels):
        bars = []
        for number, values in enumerate(series):
            value, level = values[index]
            bar_y = y + number * (BAR_HEIGHT + BAR_GAP)
            width = x_of(value or 0) - LABEL_WIDTH
            bars.append(Bar(series=number, value=value, level=level, x=LABEL_WIDTH, y=bar_y, width=round(width, 1),
                            height=BAR_HEIGHT, text_x=round(LABEL_WIDTH + width + 6, 1),
                            text_y=bar_y + BAR_HEIGHT / 2))
        rows.append(Row(label=label, label_y=y + row_height / 2, bars=tuple(bars)))
        y += row_height + ROW_GAP
    plot_bottom = y - ROW_GAP + 6
    return Chart(width=WIDTH, height=plot_bottom + AXIS_HEIGHT, plot_left=LABEL_WIDTH, plot_top=TOP - 4,
                 plot_bottom=plot_bottom, text_y=plot_bottom + 18, rows=tuple(rows),
                 ticks=tuple(Tick(value, x_of(value)) for value in TICKS))
