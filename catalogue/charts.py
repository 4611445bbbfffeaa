"""Geometry of the horizontal bar charts drawn as inline SVG by ``templates/_charts.html`` (no JavaScript).

One chart for the whole app: the readiness assessment's scores and the contact oversight's volumes and answer times.
Coordinates are in the SVG's own units (its ``viewBox``); CSS scales the drawing to the page. Colours come from CSS
classes in ``site.css`` and ``print.css``, never from inline styles (the Content-Security-Policy forbids them), and
every value is also printed as text beside its bar.

The scale runs from 0 to the last of the ``ticks`` given (the assessment's fixed 0–100 %) or, without them, to a
round number at or above the largest value.

In right-to-left pages the drawing is mirrored: the row labels stand on the right, bars grow leftwards from the
right-hand axis and each value is written at the left end of its bar. The SVG inherits the page's ``direction``, so
the ``start``/``end`` text anchors are logical (``start`` is the right-hand edge of Arabic text) and the same anchors
serve both directions; the numbers keep their own left-to-right order inside the text.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from catalogue.languages.formatting import page_direction

TOP = 8
AXIS_HEIGHT = 26
STEPS = 4  # computed ticks: at most this many steps between 0 and the largest tick


@dataclass(frozen=True)
class Layout:
    """Sizes in SVG units, left to right (mirrored in right-to-left pages). Row labels end at ``label_width - 10``;
    the plot runs from ``label_width`` for ``plot_width`` (the largest tick), and the rest of ``width`` holds the
    text printed after the longest bar."""

    width: int
    label_width: int
    plot_width: int
    bar_height: int
    bar_gap: int  # between the bars of one row
    row_gap: int  # between rows
    label_chars: int | None = None  # longer labels are shortened in the drawing (the page's table has them in full)


ASSESSMENT = Layout(width=640, label_width=200, plot_width=360, bar_height=20, bar_gap=3, row_gap=16)
OVERSIGHT = Layout(width=720, label_width=270, plot_width=340, bar_height=18, bar_gap=3, row_gap=12, label_chars=36)

#: One bar: ``(value, text)`` or ``(value, text, CSS class)``; a value of None is drawn as its text only.
Point = tuple[float | None, str] | tuple[float | None, str, str | None]


@dataclass(frozen=True)
class Bar:
    series: int
    value: float | None  # None: nothing to measure (drawn as text only)
    text: str
    css_class: str | None
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
    plot_left: float  # the axis the bars grow from, as drawn (on the right in right-to-left charts)
    plot_top: int
    plot_bottom: int
    text_y: int
    rows: tuple[Row, ...]
    ticks: tuple[Tick, ...]
    label_x: float  # where every row label ends (its text-anchor is "end")
    direction: str  # "ltr" or "rtl", as drawn


def nice_step(maximum: float, steps: int = STEPS) -> float:
    """The smallest of 1, 2, 2.5 and 5 times a power of ten that covers ``maximum`` in at most ``steps`` steps."""
    if maximum <= 0:
        return 1
    rough = maximum / steps
    power = 10 ** math.floor(math.log10(rough))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * power >= rough:
            return factor * power
    return 10 * power  # pragma: no cover - the loop always returns


def tick_values(maximum: float, steps: int = STEPS, whole: bool = False) -> list[float]:
    """Ticks from 0 to the first multiple of the step at or above ``maximum``; ``whole`` keeps steps integers."""
    step = nice_step(maximum, steps)
    if whole:
        step = max(1, math.ceil(step))
    count = max(1, math.ceil(maximum / step - 1e-9))
    return [round(step * index, 6) for index in range(count + 1)]


def shorten(label: str, limit: int | None) -> str:
    return label if limit is None or len(label) <= limit else label[: limit - 1].rstrip() + "…"


def bar_chart(labels: Sequence[str], series: Sequence[Sequence[Point]], layout: Layout,
              ticks: Sequence[float] | None = None, tick_text: Callable[[float], str] = lambda value: f"{value:g}",
              whole: bool = False, rtl: bool | None = None) -> Chart:
    """One row per label and one bar per series in each row; ``series[i][row]`` is a :data:`Point`.

    Values share one scale from 0 to the last of ``ticks``, or without them to a round number at or above the
    largest value (``whole``: in whole steps); ``tick_text`` labels the ticks. ``rtl`` mirrors the drawing; by
    default it follows the direction of the page being answered.
    """
    if rtl is None:
        rtl = page_direction() == "rtl"
    per_row = len(series)
    row_height = per_row * layout.bar_height + (per_row - 1) * layout.bar_gap
    if ticks is None:
        ticks = tick_values(max((point[0] for points in series for point in points if point[0] is not None),
                                default=0), whole=whole)
    top = ticks[-1]
    left = layout.label_width

    def x_of(value: float) -> float:
        return left + layout.plot_width * max(0.0, min(value, top)) / top

    def placed(x: float) -> float:
        """An x measured from the left edge in a left-to-right drawing, where it lands in this one."""
        return round(layout.width - x if rtl else x, 1)

    rows = []
    y = TOP
    for index, label in enumerate(labels):
        bars = []
        for number, points in enumerate(series):
            value, text, *css_class = points[index]
            bar_y = y + number * (layout.bar_height + layout.bar_gap)
            width = x_of(value or 0) - left
            bars.append(Bar(series=number, value=value, text=text, css_class=css_class[0] if css_class else None,
                            x=placed(left + width) if rtl else left, y=bar_y, width=round(width, 1),
                            height=layout.bar_height, text_x=placed(left + width + 6),
                            text_y=bar_y + layout.bar_height / 2))
        rows.append(Row(label=shorten(label, layout.label_chars), full_label=label, label_y=y + row_height / 2,
                        bars=tuple(bars)))
        y += row_height + layout.row_gap
    plot_bottom = y - layout.row_gap + 6
    return Chart(width=layout.width, height=plot_bottom + AXIS_HEIGHT, plot_left=placed(left), plot_top=TOP - 4,
                 plot_bottom=plot_bottom, text_y=plot_bottom + 18, rows=tuple(rows),
                 ticks=tuple(Tick(value, tick_text(value), placed(x_of(value))) for value in ticks),
                 label_x=placed(left - 10), direction="rtl" if rtl else "ltr")
