"""Which UN M49 region a country belongs to, from ``catalogue/data/regions.json`` (see ``data/NOTICE.md``)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from catalogue.agencies.labels import REGIONS as REGION_LABELS
from catalogue.models.contact import REGIONS

REGIONS_FILE = Path(__file__).resolve().parent.parent / "data" / "regions.json"


@cache
def regions_by_country() -> dict[str, str]:
    mapping = json.loads(REGIONS_FILE.read_text(encoding="utf-8"))
    unknown = sorted(set(mapping.values()) - set(REGIONS))
    if unknown:
        raise ValueError(f"{REGIONS_FILE} names unknown regions: {', '.join(unknown)}")
    return mapping


def region_of(country: str | None) -> str | None:
    """The region slug of an ISO 3166-1 alpha-2 code, or None for a code we do not know."""
    return regions_by_country().get((country or "").upper())


def countries_in(region: str) -> list[str]:
    """The country codes of a region, sorted."""
    return sorted(code for code, slug in regions_by_country().items() if slug == region)


def region_label(region: str | None) -> str:
    return str(REGION_LABELS.get(region or "", region or ""))
