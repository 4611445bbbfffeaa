"""Technology providers: people who speak for an organisation that makes catalogued tools. They register and are
vetted like members, see only their organisation's entries, and propose changes and new entries that reach readers
only through a curator (``catalogue.curation.proposals``: the four-eyes review, marked "from the provider").

The organisation is the one the entries name (``Tool.organisation``); a provider's account holds it as the vetting
administrator confirmed it. Nothing here ever reads agencies, members, contact requests or tool usage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import abort, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from catalogue import audit, mail
from catalogue.accounts import passwords, tokens
from catalogue.accounts.services import find_user, normalise_email, send_verification
from catalogue.agreements import documents
from catalogue.conflicts import unit_of_work
from catalogue.curation import proposals, revisions
from catalogue.curation.editing import unique_slug
from catalogue.curation.kinds import TOOL, target_of
from catalogue.extensions import db
from catalogue.markdown import strip_markup
from catalogue.models import ProposedChange, Tool, User
from catalogue.models.base import utcnow
from catalogue.models.people import domain_belongs

NAME_MAX = 200
SUMMARY_MAX = 300
DESCRIPTION_MAX = 20_000
WEBSITE_MAX = 500
NOTE_MAX = 2000
#: What a provider may change in an entry; classification, responsible use and the rest stay the curators'.
PROVIDER_FIELDS = ("summary", "description", "website")


def organisation_name(name: str) -> str:
    return " ".join((name or "").split())


def same_organisation(a: str | None, b: str | None) -> bool:
    return bool(a and b) and organisation_name(a).casefold() == organisation_name(b).casefold()


def names_organisation(column, organisation: str):
    """A condition on ``column`` naming the organisation: exactly as given (accounts keep the catalogue's spelling),
    or the same in other letter case (SQLite's ``lower`` folds ASCII letters only, hence both)."""
    name = organisation_name(organisation)
    return or_(column == name, func.lower(column) == name.lower())


def organisation_tools(organisation: str) -> list[Tool]:
    """Every entry naming the organisation (any status), by name."""
    query = select(Tool).where(names_organisation(Tool.organisation, organisation)).order_by(Tool.name)
    return [tool for tool in db.session.scalars(query) if same_organisation(tool.organisation, organisation)]


def known_organisation(name: str) -> str | None:
    """The organisation as the catalogue spells it, when an entry names it."""
    found = organisation_tools(name)
    return found[0].organisation if found else None


def organisation_domains(organisation: str) -> list[str]:
    """The host names of the organisation's tools' websites, without ``www.``: the domains its staff's e-mail
    addresses are expected to belong to."""
    hosts = set()
    for tool in organisation_tools(organisation):
        host = (urlsplit((tool.website or "").strip()).hostname or "").removeprefix("www.")
        if host:
            hosts.add(host.lower())
    return sorted(hosts)


def email_matches(email: str, organisation: str) -> bool:
    domain = email.rpartition("@")[2].lower()
    return any(domain_belongs(domain, host) or domain_belongs(host, domain) for host in
               organisation_domains(organisation))


def vetting_warnings(user: User) -> list[str]:
    """What the vetting administrator should check about a provider's application."""
    warnings = []
    organisation = user.organisation or ""
    domain = user.email.rpartition("@")[2]
    if known_organisation(organisation) is None:
        warnings.append(_("No catalogue entry names the organisation %(name)s: check that it makes a catalogued "
                          "tool, and its exact name.", name=organisation))
    elif not (hosts := organisation_domains(organisation)):
        warnings.append(_("The entries of %(name)s give no website, so the e-mail domain %(domain)s could not be "
                          "checked.", name=organisation, domain=domain))
    elif not email_matches(user.email, organisation):
        warnings.append(_("The e-mail domain %(domain)s does not match the website of %(name)s (%(hosts)s).",
                          domain=domain, name=organisation, hosts=", ".join(hosts)))
    return warnings


# Registration ------------------------------------------------------------------------------------------------------

@dataclass
class ProviderApplication:
    name: str
    email: str
    password: str
    organisation: str
    position: str
    justification: str


def register(application: ProviderApplication) -> None:
    """A pending provider account and the verification link; for an address that has an account, its owner is told
    by e-mail instead, so the page shown is the same either way (as ``accounts.services.register``)."""
    email = normalise_email(application.email)
    existing = find_user(email)
    if existing is not None:
        passwords.hash_password(application.password)
        audit.record("account.register", target=audit.target_of(existing), outcome="duplicate",
                     detail="provider")
        db.session.commit()
        mail.send(email, _l("Someone tried to register with your address"), "already_registered",
                  locale=existing.locale, user=existing, reset_url=tokens.link(url_for("account.reset_request")))
        return
    organisation = organisation_name(application.organisation)
    user = User(email=email, name=application.name.strip(), position=application.position.strip(),
                justification=application.justification.strip(), agency=None,
                organisation=known_organisation(organisation) or organisation,
                password_hash=passwords.hash_password(application.password), role="pending",
                locale=str(get_locale()))
    documents.record(user, documents.applicable(role="provider"))
    db.session.add(user)
    db.session.flush()
    audit.record("account.register", target=audit.target_of(user), actor=user, detail="provider")
    send_verification(user)
    db.session.commit()


# What a provider sees ----------------------------------------------------------------------------------------------

def visible_tools(user: User) -> list[Tool]:
    """The provider's organisation's entries that are published, or that a provider proposed and are still waiting
    for a curator; never archived ones, nor curators' drafts."""
    return [tool for tool in organisation_tools(user.organisation or "") if _visible(tool)]


def _visible(tool: Tool) -> bool:
    if tool.status == "published":
        return True
    return tool.status in ("draft", "in_review") and tool.created_by is not None and \
        tool.created_by.role == "provider" and same_organisation(tool.created_by.organisation, tool.organisation)


def get_tool(user: User, tool_id: int) -> Tool:
    """One of the provider's organisation's visible entries; 404 for anything else, whoever's it is."""
    tool = db.session.get(Tool, tool_id)
    if tool is None or not same_organisation(tool.organisation, user.organisation) or not _visible(tool):
        abort(404)
    return tool


def changes_by(user: User, tool: Tool | None = None) -> list[ProposedChange]:
    """The provider's own proposed changes (to one entry, or all), newest first."""
    query = select(ProposedChange).where(ProposedChange.author_id == user.id, ProposedChange.entry_kind == "tool")
    if tool is not None:
        query = query.where(ProposedChange.entry_id == tool.id)
    return list(db.session.scalars(query.order_by(ProposedChange.created_at.desc()).limit(50)))


class Refused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Update:
    summary: str
    description: str
    website: str
    note: str
    new_sources: list[dict] = field(default_factory=list)


def propose_update(user: User, tool: Tool, update: Update, loaded_version: int | None) -> ProposedChange:
    """A proposed change to a published entry of the provider's organisation, with at least one source, for the
    curators' four-eyes review. Raises Refused with a message for the provider."""
    if tool.status != "published":
        raise Refused(_("This entry is waiting for a curator. You can propose changes once it is published."))
    if loaded_version != tool.version:
        raise Refused(_("A curator changed this entry since you opened it. Look at it as it is now, then propose "
                        "your change again."))
    if not update.new_sources:
        raise Refused(_("Give at least one source for your change: where a reader can check it."))
    current = revisions.snapshot(tool)
    values = {name: current.get(name) for name in TOOL.content.CONTENT_FIELDS}
    values.update(summary=update.summary.strip(), description=strip_markup(update.description.strip()),
                  website=update.website.strip() or None,
                  sources=[*(current.get("sources") or []), *update.new_sources])
    values["slug"] = tool.slug
    try:
        return proposals.propose(tool, "edit", values, user, tool.version, update.note, from_provider=True)
    except proposals.ProposalOpen:
        raise Refused(_("A change to this entry is already waiting for a curator's review. You can propose yours "
                        "once it has been decided.")) from None
    except proposals.ProposalRefused as refused:
        raise Refused(refused.message) from None


@dataclass
class NewEntry:
    name: str
    summary: str
    description: str
    website: str
    note: str
    new_sources: list[dict] = field(default_factory=list)


def propose_new(user: User, entry: NewEntry) -> Tool:
    """A new entry for the provider's organisation, straight into review: curators classify it, check it against
    the inclusion criteria and publish it (or return it). It never reaches readers without a curator's approval."""
    if not entry.new_sources:
        raise Refused(_("Give at least one source for your change: where a reader can check it."))
    values = {name: None for name in TOOL.content.CONTENT_FIELDS}
    values.update(name=entry.name.strip(), organisation=user.organisation, summary=entry.summary.strip(),
                  description=strip_markup(entry.description.strip()), website=entry.website.strip() or None,
                  languages=[], responsible_use="", sources=entry.new_sources)
    with unit_of_work():
        now = utcnow()
        tool = Tool(slug=unique_slug(values["name"]), status="in_review", demo=False, created_by=user,
                    updated_by=user, submitted_by=user, submitted_at=now, created_at=now, updated_at=now)
        db.session.add(tool)
        revisions.apply_content(tool, values)
        revisions.record_revision(tool, "created", user, entry.note.strip() or _("Proposed by the provider"))
        audit.record("tool.create", target=target_of(tool), actor=user, detail="from the provider")
    return tool

