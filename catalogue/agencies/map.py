"""A map-like overview of the countries the directory covers: one band of tiles per region, drawn as SVG on the
server (no map tiles from elsewhere, no script). Each tile is a covered country, shaded by its number of agencies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

COLUMNS = 12
TILE_WIDTH, TILE_HEIGHT, GAP = 56, 44, 6
LABEL_HEIGHT = 26
BAND_GAP = 14
EMPTY_HEIGHT = 24
#: Upper bounds of the shading levels 1, 2 and 3; more agencies than the last bound is level 4.
LEVELS = (1, 2, 4)


@dataclass
class Tile:
    code: str
    name: str
    agencies: int
    x: int
    y: int
    level: int


@dataclass
class Band:
    slug: str
    label: str
    agencies: int
    y: int
    tiles: list[Tile] = field(default_factory=list)


@dataclass
class CoverageMap:
    width: int
    height: int
    bands: list[Band]
    tile_width: int = TILE_WIDTH
    tile_height: int = TILE_HEIGHT


def level(agencies: int) -> int:
    return next((number for number, bound in enumerate(LEVELS, start=1) if agencies <= bound), len(LEVELS) + 1)


def coverage_map(regions) -> CoverageMap:
    """Lay out ``regions`` (``services.coverage()``) as bands of tiles, top to bottom."""
    bands, y = [], 0
    for region in regions:
        band = Band(region.slug, region.label, region.agencies, y)
        y += LABEL_HEIGHT
        for number, country in enumerate(region.countries):
            row, column = divmod(number, COLUMNS)
            band.tiles.append(Tile(country.code, country.name, country.agencies,
                                   x=column * (TILE_WIDTH + GAP), y=y + row * (TILE_HEIGHT + GAP),
                                   level=level(country.agencies)))
        rows = -(-len(region.countries) // COLUMNS)
        y += rows * (TILE_HEIGHT + GAP) if rows else EMPTY_HEIGHT
        y += BAND_GAP
        bands.append(band)
    return CoverageMap(width=COLUMNS * (TILE_WIDTH + GAP) - GAP, height=max(y - BAND_GAP, 1), bands=bands)
