"""Time zones for trainings: which zone names are accepted, local wall time ↔ UTC, and how times are shown.

A training's times are local wall times in an IANA zone. They are shown in that zone, always with the zone's name
and its UTC offset on that day, so a reader in another country can work out their own time without guessing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.dates import format_date, format_time
from flask_babel import get_locale

#: Regions whose zones are offered in the editor; any other name zoneinfo knows (``US/Eastern``) is still accepted.
OFFERED_REGIONS = ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian",
                   "Pacific")
NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})


@cache
def known_zones() -> frozenset[str]:
    return frozenset(available_timezones()) - NOT_ZONES


@cache
def offered_zones() -> tuple[str, ...]:
    return ("UTC", *sorted(name for name in known_zones() if name.split("/")[0] in OFFERED_REGIONS))


def is_known_zone(name: str | None) -> bool:
    if not name or name not in known_zones():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def to_utc(local: datetime, zone_name: str) -> datetime:
    """A local wall time in ``zone_name`` as naive UTC, the way every other time is stored."""
    return local.replace(tzinfo=ZoneInfo(zone_name)).astimezone(UTC).replace(tzinfo=None)


def exists_in_zone(local: datetime, zone_name: str) -> bool:
    """False for a wall time the clocks skip when they go forward (02:30 on the last Sunday of March in Vienna)."""
    zone = ZoneInfo(zone_name)
    round_trip = local.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
    return round_trip.replace(tzinfo=None) == local


def utc_offset(moment: datetime) -> str:
    """``UTC+01:00``, ``UTC-03:00`` or ``UTC+00:00`` for an aware datetime."""
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def _locale():
    return get_locale() or "en"


def day(moment: datetime) -> str:
    return format_date(moment, "full", locale=_locale())


def clock(moment: datetime) -> str:
    return format_time(moment, "short", tzinfo=moment.tzinfo, locale=_locale())


def moment_text(moment: datetime | None) -> str:
    """One local moment with its zone: ``Tuesday, January 13, 2026, 10:00 AM (Europe/Vienna, UTC+01:00)``."""
    if moment is None:
        return ""
    return f"{day(moment)}, {clock(moment)} ({zone_text(moment)})"


def zone_text(*moments: datetime) -> str:
    """The zone's name and its offset(s) at the given moments, e.g. ``Europe/Vienna, UTC+01:00``."""
    offsets = list(dict.fromkeys(utc_offset(m) for m in moments))
    return f"{moments[0].tzinfo}, {' / '.join(offsets)}"


def span_text(start: datetime, end: datetime) -> str:
    """``Tuesday, January 13, 2026, 10:00 AM – 12:00 PM`` on one day, else both dates in full."""
    if start.date() == end.date():
        return f"{day(start)}, {clock(start)} – {clock(end)}"
    return f"{day(start)}, {clock(start)} – {day(end)}, {clock(end)}"


def when_text(training) -> str:
    """The training's dates and times with its zone, for pages, e-mails and calendar descriptions."""
    start, end = training.local_start, training.local_end
    return f"{span_text(start, end)} ({zone_text(start, end)})"
