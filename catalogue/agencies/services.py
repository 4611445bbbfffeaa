"""Reading the agency directory: filtering agencies, the countries it covers, one agency's page, and the agencies
that use a tool. Recording tool usage is in ``catalogue.agencies.usage``.

The directory's JSON list columns (specialisms, languages) are filtered in Python, after the SQL filters (words,
country, region, type) have narrowed the candidates: containment tests on JSON differ between SQLite and PostgreSQL,
and agencies number in the hundreds at most, so reading their two short lists is cheap and works the same on both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from werkzeug.exceptions import NotFound

from catalogue import clock, policy
from catalogue.agencies.regions import countries_in, region_label, region_of
from catalogue.extensions import db
from catalogue.languages.formatting import sort_key, sorted_choices
from catalogue.models import REGIONS, Agency, AgencyUnit, Tool, ToolUsage, User
from catalogue.rows import contains
from catalogue.templating import country_name, language_name
from catalogue.times import is_known_zone, utc_offset

#: Words of the directory's search box that are used; more would only slow the query down.
MAX_WORDS = 8


@dataclass
class DirectoryFilters:
    q: str = ""
    country: str = ""
    region: str = ""
    kind: str = ""
    specialism: str = ""
    language: str = ""

    def active(self) -> bool:
        return any(vars(self).values())


@dataclass
class AgencyCard:
    agency: Agency
    contacts: int
    tools: int


@dataclass
class Directory:
    pagination: object  # Flask-SQLAlchemy's Pagination of agencies
    cards: list[AgencyCard]
    regions: list[RegionCoverage]  # the countries covered, whatever the filters


@dataclass
class FilterOptions:
    """The countries and languages that at least one agency has, as (code, name) sorted by name."""

    countries: list[tuple[str, str]]
    languages: list[tuple[str, str]]


def points_of_contact_query() -> Select:
    """Who answers for an agency: its active, vetted members marked as points of contact."""
    return select(User).where(User.point_of_contact.is_(True), User.active.is_(True),
                              User.role.in_(sorted(policy.MEMBERS)))


def filter_options() -> FilterOptions:
    countries = {code for code in db.session.scalars(select(Agency.country).distinct()) if code}
    languages = {code for codes in db.session.scalars(select(Agency.languages)) for code in codes or [] if code}
    return FilterOptions(
        countries=sorted_choices((c, country_name(c)) for c in countries),
        languages=sorted_choices((c, language_name(c)) for c in languages),
    )


def directory(filters: DirectoryFilters, page: int, per_page: int) -> Directory:
    query = select(Agency.id, Agency.specialisms, Agency.languages)
    for word in filters.q.split()[:MAX_WORDS]:
        in_units = select(AgencyUnit.agency_id).where(contains(AgencyUnit.name, word))
        query = query.where(or_(contains(Agency.name, word), contains(Agency.description, word),
                                Agency.id.in_(in_units)))
    if filters.country:
        query = query.where(Agency.country == filters.country)
    if filters.region:
        query = query.where(Agency.country.in_(countries_in(filters.region)))
    if filters.kind:
        query = query.where(Agency.kind == filters.kind)
    matching = [agency_id for agency_id, specialisms, languages in db.session.execute(query)
                if (not filters.specialism or filters.specialism in (specialisms or []))
                and (not filters.language or filters.language in (languages or []))]
    pagination = db.paginate(
        select(Agency).where(Agency.id.in_(matching)).order_by(func.lower(Agency.name), Agency.slug),
        page=page, per_page=per_page, error_out=False)
    ids = [agency.id for agency in pagination.items]
    contacts = dict(db.session.execute(
        points_of_contact_query().with_only_columns(User.agency_id, func.count(User.id))
        .where(User.agency_id.in_(ids)).group_by(User.agency_id)).all())
    tools = tools_used_counts(ids)
    return Directory(pagination, [AgencyCard(a, contacts.get(a.id, 0), tools.get(a.id, 0))
                                  for a in pagination.items], coverage())


def tools_used_counts(agency_ids: list[int]) -> dict[int, int]:
    query = (select(ToolUsage.agency_id, func.count(ToolUsage.id)).join(Tool, Tool.id == ToolUsage.tool_id)
             .where(ToolUsage.agency_id.in_(agency_ids), Tool.status == "published").group_by(ToolUsage.agency_id))
    return dict(db.session.execute(query).all())


# Coverage -----------------------------------------------------------------------------------------------------------

@dataclass
class CountryCoverage:
    code: str
    name: str
    agencies: int


@dataclass
class RegionCoverage:
    slug: str
    label: str
    countries: list[CountryCoverage] = field(default_factory=list)

    @property
    def agencies(self) -> int:
        return sum(country.agencies for country in self.countries)


def coverage() -> list[RegionCoverage]:
    """Every region, with the countries that have at least one agency (by name) and their number of agencies."""
    regions = {slug: RegionCoverage(slug, region_label(slug)) for slug in REGIONS}
    for code, count in db.session.execute(select(Agency.country, func.count(Agency.id)).group_by(Agency.country)):
        region = region_of(code)
        if region is not None:
            regions[region].countries.append(CountryCoverage(code.upper(), country_name(code), count))
    for region in regions.values():
        region.countries.sort(key=lambda country: sort_key(country.name))
    return list(regions.values())


# One agency ---------------------------------------------------------------------------------------------------------

@dataclass
class Contact:
    person: User
    zone_valid: bool
    offset: str = ""
    local_time: datetime | None = None


@dataclass
class AgencyPage:
    agency: Agency
    region: str | None
    contacts: list[Contact]
    usages: list[ToolUsage]
    own: bool  # the viewer belongs to this agency
    may_manage: bool  # the viewer may change the list of tools it uses


def get_agency(slug: str) -> Agency:
    agency = db.session.scalar(select(Agency).where(Agency.slug == slug))
    if agency is None:
        raise NotFound()
    return agency


def may_manage_usage(user, agency: Agency) -> bool:
    """Members record the tools of their own agency; whoever may manage agencies records any agency's tools."""
    if not policy.can("tools.usage", user):
        return False
    return getattr(user, "agency_id", None) == agency.id or policy.can("agencies.manage", user)


def agency_page(slug: str, viewer) -> AgencyPage:
    agency = get_agency(slug)
    people = db.session.scalars(points_of_contact_query().where(User.agency_id == agency.id).order_by(User.name))
    now = clock.now()
    return AgencyPage(agency=agency, region=region_of(agency.country),
                      contacts=[contact_of(person, now) for person in people],
                      usages=published_usages(agency), own=getattr(viewer, "agency_id", None) == agency.id,
                      may_manage=may_manage_usage(viewer, agency))


def contact_of(person: User, now: datetime) -> Contact:
    """A point of contact with the current UTC offset and local time of their time zone, if they gave a valid one."""
    if not is_known_zone(person.time_zone):
        return Contact(person, zone_valid=False)
    local = now.replace(tzinfo=UTC).astimezone(ZoneInfo(person.time_zone))
    return Contact(person, zone_valid=True, offset=utc_offset(local), local_time=local)


def published_usages(agency: Agency) -> list[ToolUsage]:
    query = (select(ToolUsage).join(Tool, Tool.id == ToolUsage.tool_id)
             .where(ToolUsage.agency_id == agency.id, Tool.status == "published").order_by(func.lower(Tool.name)))
    return list(db.session.scalars(query))


def usages_of(tool: Tool) -> list[ToolUsage] | None:
    """The agencies that say they use ``tool``, by name; None for someone who may not see the directory."""
    if not policy.can("agencies.view"):
        return None
    query = (select(ToolUsage).join(Agency, Agency.id == ToolUsage.agency_id)
             .where(ToolUsage.tool_id == tool.id).order_by(func.lower(Agency.name), Agency.slug))
    return list(db.session.scalars(query))


def agency_stats() -> dict[str, int]:
    """For ``flask catalogue stats``: the number of agencies and of distinct countries they are in."""
    return {"agencies": db.session.scalar(select(func.count(Agency.id))) or 0,
            "countries": db.session.scalar(select(func.count(func.distinct(Agency.country)))) or 0}
