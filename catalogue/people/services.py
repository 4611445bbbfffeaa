"""Officer profiles as other members see them, the people directory, and the officers who know a tool.

One rule decides whether a profile is seen at all (``visible_profiles``): published, its owner an active, vetted
member, still in the agency they published it from. One function decides what of it is seen (``public_view``): only
the fields the owner chose to show. Pages, filters and the tool page all go through both, so a private field cannot
reach a page by one path that another path hides; a filter on a private field matches nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import joinedload, lazyload, selectinload
from werkzeug.exceptions import NotFound

from catalogue import audit, clock, policy
from catalogue.contact import sending
from catalogue.extensions import db
from catalogue.languages.formatting import sorted_choices
from catalogue.models import SPECIALISMS, Agency, OfficerProfile, Tool, User
from catalogue.models.profiles import PROFILE_FIELDS, profile_tools
from catalogue.rows import MAX_ID
from catalogue.templating import country_name, language_name


def may_view(viewer) -> bool:
    """Profiles are for vetted members only (never public, whatever ``CATALOGUE_PUBLIC_BROWSING`` says)."""
    return bool(getattr(viewer, "is_authenticated", False) and viewer.active
                and viewer.role in policy.PERMISSIONS["people.view"])


def visible_profiles() -> Select:
    """Every profile other members may see, with its owner joined."""
    return (select(OfficerProfile).join(User, User.id == OfficerProfile.user_id).where(
        OfficerProfile.published.is_(True), User.active.is_(True), User.role.in_(sorted(policy.MEMBERS)),
        User.agency_id.is_not(None), OfficerProfile.agency_id == User.agency_id))


@dataclass(frozen=True)
class PublicProfile:
    """A profile as other members see it: the heading, and only the fields its owner shows (the others empty)."""

    user_id: int
    name: str
    agency: Agency
    accepts_introductions: bool
    role: str = ""
    specialisms: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    tools: list[Tool] = field(default_factory=list)
    time_zone: str = ""

    @property
    def country(self) -> str:
        return self.agency.country


def public_view(profile: OfficerProfile, with_tools: bool = True) -> PublicProfile:
    """``with_tools=False``: the profile's tools are left unread (a card on a tool's page does not list them)."""
    user = profile.user
    shown = {name: profile.shows(name) for name in PROFILE_FIELDS}
    return PublicProfile(
        user_id=user.id, name=user.name, agency=user.agency, accepts_introductions=profile.accepts_introductions,
        role=profile.role if shown["role"] else "",
        specialisms=[s for s in SPECIALISMS if s in (profile.specialisms or [])] if shown["specialisms"] else [],
        languages=list(user.languages or []) if shown["languages"] else [],
        tools=[tool for tool in profile.tools if tool.status == "published"] if shown["tools"] and with_tools else [],
        time_zone=user.time_zone if shown["time_zone"] else "")


def _loaded(query: Select, with_tools: bool = True) -> Select:
    if not with_tools:  # one query: each profile's member and agency joined in
        return query.options(joinedload(OfficerProfile.user).joinedload(User.agency))
    query = query.options(selectinload(OfficerProfile.user).selectinload(User.agency))
    # A profile lists its tools by name: their terms and translations are not read.
    return query.options(selectinload(OfficerProfile.tools).options(lazyload(Tool.terms), lazyload(Tool.translations)))


def profile_of(user_id: int, viewer) -> PublicProfile:
    """A member's profile as ``viewer`` sees it; 404 when it is not published, its owner is deactivated or left the
    agency, or the viewer may not see profiles at all."""
    if not may_view(viewer) or not isinstance(user_id, int) or not 0 < user_id <= MAX_ID:
        raise NotFound()
    profile = db.session.scalar(_loaded(visible_profiles().where(OfficerProfile.user_id == user_id)))
    if profile is None:
        raise NotFound()
    return public_view(profile)


def may_introduce(profile: PublicProfile, viewer) -> bool:
    """Whether ``viewer`` may ask for an introduction to the profile's owner: someone else, in another agency."""
    return bool(profile.accepts_introductions and viewer.agency_id is not None
                and profile.user_id != viewer.id and profile.agency.id != viewer.agency_id)


def introduction_target(user_id: int, viewer) -> tuple[PublicProfile, User]:
    """The person an introduction request may go to; 404 unless their profile is visible and accepts them."""
    profile = profile_of(user_id, viewer)
    if not profile.accepts_introductions:
        raise NotFound()
    return profile, db.session.get(User, user_id)


# Officers who know a tool ---------------------------------------------------------------------------------------------

def _showing_tool(tool_id: int):
    return exists().where(profile_tools.c.profile_id == OfficerProfile.id, profile_tools.c.tool_id == tool_id)


def officers_for_tool(tool: Tool, viewer) -> list[PublicProfile] | None:
    """The tool page's "Officers with experience of this tool": None for viewers who may not see profiles (the
    section is then left out), else the visible profiles that show their tools and list this one, by name."""
    if not may_view(viewer):
        return None
    query = visible_profiles().where(OfficerProfile.show_tools.is_(True), _showing_tool(tool.id))
    found = db.session.scalars(_loaded(query, with_tools=False).order_by(func.lower(User.name), User.id))
    return [public_view(p, with_tools=False) for p in found]


# The directory ----------------------------------------------------------------------------------------------------

@dataclass
class PeopleFilters:
    specialism: str = ""
    language: str = ""
    country: str = ""
    tool: str = ""  # a published tool's slug

    def active(self) -> bool:
        return any(vars(self).values())


@dataclass
class PeopleOptions:
    """What the filters offer: countries, languages and tools that visible profiles show, as (value, label)."""

    countries: list[tuple[str, str]]
    languages: list[tuple[str, str]]
    tools: list[tuple[str, str]]


@dataclass
class PeopleDirectory:
    pagination: object
    profiles: list[PublicProfile]


def filter_options() -> PeopleOptions:
    countries, languages = set(), set()
    for country, shows_languages, spoken in db.session.execute(
            visible_profiles().join(Agency, Agency.id == User.agency_id)
            .with_only_columns(Agency.country, OfficerProfile.show_languages, User.languages)):
        countries.add(country)
        if shows_languages:
            languages.update(code for code in spoken or [] if code)
    on_profiles = visible_profiles().where(OfficerProfile.show_tools.is_(True)).join(
        profile_tools, profile_tools.c.profile_id == OfficerProfile.id).with_only_columns(profile_tools.c.tool_id)
    tools = db.session.execute(select(Tool.slug, Tool.name).where(
        Tool.status == "published", Tool.id.in_(on_profiles)).order_by(func.lower(Tool.name)))
    return PeopleOptions(countries=sorted_choices((c, country_name(c)) for c in countries if c),
                         languages=sorted_choices((c, language_name(c)) for c in languages),
                         tools=[(slug, name) for slug, name in tools])


def directory(filters: PeopleFilters, page: int, per_page: int) -> PeopleDirectory:
    """Country and tool are filtered in SQL; specialisms and languages (JSON lists, compared differently by SQLite
    and PostgreSQL) in Python over the candidates, as the agency directory does. A filter on a field a member keeps
    private never matches them."""
    query = visible_profiles().with_only_columns(
        OfficerProfile.id, OfficerProfile.show_specialisms, OfficerProfile.specialisms, OfficerProfile.show_languages,
        User.languages)
    if filters.country:
        query = query.join(Agency, Agency.id == User.agency_id).where(Agency.country == filters.country)
    if filters.tool:
        tool_ids = select(Tool.id).where(Tool.slug == filters.tool, Tool.status == "published")
        query = query.where(OfficerProfile.show_tools.is_(True), exists().where(
            profile_tools.c.profile_id == OfficerProfile.id, profile_tools.c.tool_id.in_(tool_ids)))
    matching = [profile_id for profile_id, shows_specialisms, specialisms, shows_languages, spoken
                in db.session.execute(query)
                if (not filters.specialism or (shows_specialisms and filters.specialism in (specialisms or [])))
                and (not filters.language or (shows_languages and filters.language in (spoken or [])))]
    listing = _loaded(select(OfficerProfile).join(User, User.id == OfficerProfile.user_id)
                      .where(OfficerProfile.id.in_(matching)).order_by(func.lower(User.name), User.id))
    pagination = db.paginate(listing, page=page, per_page=per_page, error_out=False, max_per_page=per_page)
    return PeopleDirectory(pagination, [public_view(profile) for profile in pagination.items])


# My own profile -----------------------------------------------------------------------------------------------------

@dataclass
class ProfileInput:
    published: bool
    accepts_introductions: bool
    role: str
    specialisms: list[str]
    tools: list[str]  # published tools' slugs
    shown: dict[str, bool]  # PROFILE_FIELDS → shown


def my_profile(user: User) -> OfficerProfile | None:
    return db.session.scalar(select(OfficerProfile).where(OfficerProfile.user_id == user.id))


def listed(user: User) -> bool:
    """Whether other members can see ``user``'s profile now (the owner's page says so, and why not)."""
    return db.session.scalar(select(exists(visible_profiles().where(OfficerProfile.user_id == user.id)
                                           .with_only_columns(OfficerProfile.id)))) or False


def published_tool_name(slug: str) -> str | None:
    return db.session.scalar(select(Tool.name).where(Tool.slug == slug, Tool.status == "published"))


def published_tools(slugs: list[str]) -> list[Tool]:
    if not slugs:
        return []
    return list(db.session.scalars(select(Tool).where(Tool.slug.in_(slugs), Tool.status == "published")))


def save_profile(user: User, given: ProfileInput) -> OfficerProfile:
    """Create or update ``user``'s profile. Saving ties it to the agency the member belongs to now. The form has
    checked the input; unknown specialisms and tools are dropped here rather than stored."""
    profile = my_profile(user)
    if profile is None:
        profile = OfficerProfile(user_id=user.id, created_at=clock.now())
        db.session.add(profile)
    profile.agency_id = user.agency_id
    profile.published = given.published
    profile.accepts_introductions = given.accepts_introductions
    profile.role = given.role.strip()
    profile.specialisms = [s for s in SPECIALISMS if s in given.specialisms]
    profile.tools = published_tools(given.tools)
    for name in PROFILE_FIELDS:
        setattr(profile, f"show_{name}", bool(given.shown.get(name)))
    profile.updated_at = clock.now()
    audit.record("people.profile.update", target=f"user:{user.id}", actor=user,
                 detail=f"published={'yes' if given.published else 'no'} "
                        f"shown={','.join(n for n in PROFILE_FIELDS if given.shown.get(n)) or 'none'}")
    db.session.commit()
    return profile


# Introductions --------------------------------------------------------------------------------------------------------

def send_introduction(user_id: int, draft, sender: User):
    """An introduction request to the owner of a visible profile that accepts them, through the contact section's
    own sending (its checks, daily limit, deadline, audit and notifications). 404 when the profile is not there."""
    profile, person = introduction_target(user_id, sender)
    if not may_introduce(profile, sender):
        raise sending.SendingRefused(_refusal(profile, sender))
    return sending.send_introduction(draft, sender, person)


def _refusal(profile: PublicProfile, sender: User) -> str:
    if sender.agency_id is None:
        return _("Your account is not linked to an agency, so you cannot send requests yet. Ask an administrator "
                 "to link it to your agency.")
    if profile.user_id == sender.id:
        return _("This is your own profile.")
    return _("%(name)s works in your own agency: contact them directly.", name=profile.name)
