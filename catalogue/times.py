"""Time zones: which zone names are accepted, local wall time ↔ UTC, the reader's own zone, and how times are shown.

Every time is stored as naive UTC. A signed-in person reads times in their own zone (their account's, else their
agency's country's main zone), always with the zone named (``reader_zone``, Flask-Babel's time-zone selector); a
visitor reads UTC. A training's times are local wall times in the training's IANA zone, shown in that zone with its
name and UTC offset on that day, and in the reader's own zone as well when it differs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.core import get_global
from babel.dates import format_date, format_time
from flask import g, has_request_context
from flask_babel import get_locale, refresh
from flask_login import current_user

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


#: The zone of the capital (where most agencies sit) for countries CLDR lists with several zones; CLDR's order is
#: alphabetical, so its first (``Atlantic/Madeira`` for Portugal) is no default.
CAPITAL_ZONES = {
    "AR": "America/Argentina/Buenos_Aires", "AU": "Australia/Sydney", "BR": "America/Sao_Paulo",
    "CA": "America/Toronto", "CD": "Africa/Kinshasa", "CL": "America/Santiago", "CN": "Asia/Shanghai",
    "CY": "Asia/Nicosia", "DE": "Europe/Berlin", "EC": "America/Guayaquil", "ES": "Europe/Madrid",
    "FM": "Pacific/Pohnpei", "GL": "America/Nuuk", "ID": "Asia/Jakarta", "KI": "Pacific/Tarawa",
    "KZ": "Asia/Almaty", "MH": "Pacific/Majuro", "MN": "Asia/Ulaanbaatar", "MX": "America/Mexico_City",
    "MY": "Asia/Kuala_Lumpur", "NZ": "Pacific/Auckland", "PF": "Pacific/Tahiti", "PG": "Pacific/Port_Moresby",
    "PS": "Asia/Gaza", "PT": "Europe/Lisbon", "RU": "Europe/Moscow", "UA": "Europe/Kyiv", "US": "America/New_York",
    "UZ": "Asia/Tashkent",
}


def main_time_zone(country: str | None) -> str:
    """The zone most of a country's agencies work in: its capital's where it has several, else its only one; UTC for
    an unknown country."""
    code = (country or "").upper()
    if is_known_zone(CAPITAL_ZONES.get(code)):
        return CAPITAL_ZONES[code]
    zones = get_global("territory_zones").get(code, [])
    return next((zone for zone in zones if is_known_zone(zone)), "UTC")


def zone_of(user) -> str:
    """A person's zone: the one in their account, else their agency's country's main zone, else UTC."""
    if user is None or not getattr(user, "is_authenticated", False):
        return "UTC"
    if is_known_zone(user.time_zone):
        return user.time_zone
    agency = getattr(user, "agency", None)
    return main_time_zone(agency.country) if agency is not None else "UTC"


#: The zone of the person an e-mail being written is for (``writing_for``); None while writing pages.
_recipient_zone: ContextVar[str | None] = ContextVar("recipient_zone", default=None)


@contextmanager
def writing_for(zone: str | None) -> Iterator[None]:
    """Inside, times are written in ``zone`` (an e-mail's recipient's), not in the zone of the person whose action
    sends it: ``reader_zone``, the ``| datetime`` filter and a training's "your time". An unknown zone is UTC."""
    token = _recipient_zone.set(zone if is_known_zone(zone) else "UTC")
    refresh()  # Flask-Babel keeps the zone it chose for the request: forget it now and again on the way out
    try:
        yield
    finally:
        _recipient_zone.reset(token)
        refresh()


def reader_zone() -> str:
    """The zone the current reader sees times in (Flask-Babel's time-zone selector; UTC outside a request): the
    recipient's while an e-mail is written."""
    if (recipient := _recipient_zone.get()) is not None:
        return recipient
    if not has_request_context():
        return "UTC"
    if "reader_zone" not in g:
        g.reader_zone = zone_of(current_user)
    return g.reader_zone


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


def reader_when_text(training) -> str:
    """The training's dates and times in the reader's own zone, with it named, when that is not the training's zone;
    else empty (the training's own times say it all)."""
    zone = reader_zone()
    if zone == training.timezone:
        return ""
    start = training.local_start.astimezone(ZoneInfo(zone))
    end = training.local_end.astimezone(ZoneInfo(zone))
    return f"{span_text(start, end)} ({zone_text(start, end)})"
