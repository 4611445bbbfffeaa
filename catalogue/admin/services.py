"""What administrators do: vet applicants, manage people and agencies, read the audit log."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, or_, select

from catalogue import audit, mail, slugs
from catalogue.accounts import sessions
from catalogue.accounts.services import agency_by_slug
from catalogue.extensions import db
from catalogue.models import SPECIALISMS, Agency, AgencyUnit, User
from catalogue.models.base import utcnow
from catalogue.models.people import domain_belongs
from catalogue.providers.services import vetting_warnings as provider_warnings
from catalogue.rows import contains, get_or_404


class RefusedChange(Exception):
    """A change that would leave the site without an administrator, or similar; the message is for the user."""


# Agencies -----------------------------------------------------------------------------------------------------------





def get_agency(agency_id: int) -> Agency:
    return get_or_404(Agency, agency_id)


def agencies_with_counts() -> list[tuple[Agency, int]]:
    counts = func.count(User.id)
    query = select(Agency, counts).outerjoin(User).group_by(Agency.id).order_by(Agency.name)
    return list(db.session.execute(query))


def unique_agency_slug(name: str) -> str:
    return slugs.unique_slug(slugs.slugify(name, "agency"), lambda slug: agency_by_slug(slug) is not None)


@dataclass
class AgencyDetails:
    name: str
    country: str
    kind: str
    domains: list[str]
    description: str
    #: Specialism slugs and ISO 639-1 codes for the directory; None leaves an existing agency's lists as they are.
    specialisms: list[str] | None = None
    languages: list[str] | None = None


def save_agency(details: AgencyDetails, agency: Agency | None = None) -> Agency:
    agency = stage_agency(details, agency)
    db.session.commit()
    return agency


def stage_agency(details: AgencyDetails, agency: Agency | None = None, note: str = "") -> Agency:
    """Create or update an agency in the current transaction, normalised and audited; the caller commits."""
    created = agency is None
    if created:
        agency = Agency(slug=unique_agency_slug(details.name))
        db.session.add(agency)
    agency.name = details.name.strip()
    agency.country = details.country
    agency.kind = details.kind
    agency.domains = sorted({d.strip().lower().lstrip("@") for d in details.domains if d.strip()})
    agency.description = details.description.strip()
    if details.specialisms is not None:
        agency.specialisms = [slug for slug in SPECIALISMS if slug in details.specialisms]
    if details.languages is not None:
        agency.languages = sorted({code.strip().lower() for code in details.languages if code.strip()})
    db.session.flush()
    audit.record("agency.create" if created else "agency.update", target=f"agency:{agency.slug}", detail=note)
    return agency


def get_unit(agency: Agency, unit_id: int) -> AgencyUnit:
    unit = get_or_404(AgencyUnit, unit_id)
    if unit.agency_id != agency.id:
        abort(404)
    return unit


def add_unit(agency: Agency, name: str, description: str) -> AgencyUnit:
    position = max((unit.position for unit in agency.units), default=-1) + 1
    unit = AgencyUnit(agency=agency, name=name.strip(), description=(description or "").strip(), position=position)
    db.session.add(unit)
    audit.record("agency.unit.add", target=f"agency:{agency.slug}", detail=unit.name)
    db.session.commit()
    return unit


def update_unit(unit: AgencyUnit, name: str, description: str) -> None:
    unit.name, unit.description = name.strip(), (description or "").strip()
    audit.record("agency.unit.update", target=f"agency:{unit.agency.slug}", detail=unit.name)
    db.session.commit()


def remove_unit(unit: AgencyUnit) -> None:
    audit.record("agency.unit.remove", target=f"agency:{unit.agency.slug}", detail=unit.name)
    db.session.delete(unit)
    db.session.commit()


def parse_domains(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,;]+", text or "") if part]




# Vetting ------------------------------------------------------------------------------------------------------------

@dataclass
class Applicant:
    user: User
    warnings: list[str]


def vetting_queue() -> list[Applicant]:
    query = (select(User).filter_by(role="pending", active=True).where(User.email_verified_at.is_not(None))
             .order_by(User.created_at))
    return [Applicant(user, warnings_for(user)) for user in db.session.scalars(query)]


def unverified_count() -> int:
    query = select(func.count(User.id)).filter_by(role="pending", active=True).where(User.email_verified_at.is_(None))
    return db.session.scalar(query) or 0


def warnings_for(user: User) -> list[str]:
    if user.organisation is not None:  # a technology provider: checked against their organisation's entries
        return provider_warnings(user)
    warnings = []
    domain = user.email.rpartition("@")[2]
    if user.agency is not None and not user.agency.accepts_domain(user.email):
        warnings.append(_("The e-mail domain %(domain)s is not one of %(agency)s's domains.",
                          domain=domain, agency=user.agency.name))
    if user.proposed_agency and user.agency is None:  # else it is what they wrote for the agency it matched
        proposal = user.proposed_agency
        warnings.append(_("New agency: %(name)s is not in the directory yet.", name=proposal.get("name", "")))
        if proposal.get("domain") and not domain_belongs(domain, proposal["domain"]):
            warnings.append(_("The e-mail domain %(domain)s does not match the agency domain they gave (%(given)s).",
                              domain=domain, given=proposal["domain"]))
        similar = db.session.scalar(select(Agency).where(func.lower(Agency.name) == proposal.get("name", "").lower()))
        if similar is not None:
            warnings.append(_("An agency with this name already exists: %(name)s.", name=similar.name))
    return warnings


def get_applicant(user_id: int) -> User:
    user = get_or_404(User, user_id)
    if user.role != "pending" or not user.active or user.email_verified_at is None:
        abort(404)
    return user


def approve(user: User, point_of_contact: bool = False) -> None:
    """Make an applicant a member (with their agency, created if new) or, when they applied for an organisation that
    makes tools, a technology provider."""
    if user.organisation is not None:
        point_of_contact = False
    elif user.proposed_agency and user.agency is None:
        proposal = user.proposed_agency
        details = AgencyDetails(name=proposal["name"], country=proposal["country"], kind=proposal["kind"],
                                domains=[proposal.get("domain") or ""], description="")
        user.agency = stage_agency(details, note=f"proposed by {user.email}")
    user.proposed_agency = None
    user.role = "provider" if user.organisation is not None else "member"
    user.point_of_contact = point_of_contact
    user.vetted_at = utcnow()
    user.vetted_by_id = _current_admin_id()
    sessions.revoke_all(user)
    audit.record("vetting.approve", target=audit.target_of(user))
    db.session.commit()
    mail.send(user.email, _l("Your application was approved"), "approved", locale=mail.language_of(user), user=user)


def reject(user: User, reason: str) -> None:
    user.active = False
    user.deactivation_reason = reason.strip()
    user.vetted_at = utcnow()
    user.vetted_by_id = _current_admin_id()
    sessions.revoke_all(user)
    audit.record("vetting.reject", target=audit.target_of(user), detail=reason)
    db.session.commit()
    mail.send(user.email, _l("Your application was not approved"), "rejected", locale=mail.language_of(user), user=user,
              reason=reason.strip())


def _current_admin_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


# People -------------------------------------------------------------------------------------------------------------

@dataclass
class UserFilters:
    q: str = ""
    role: str = ""
    status: str = ""
    agency: str = ""


def list_users(filters: UserFilters, page: int, per_page: int):
    query = select(User).order_by(User.name, User.id)
    if filters.q:
        query = query.where(or_(contains(User.name, filters.q), contains(User.email, filters.q)))
    if filters.role:
        query = query.filter_by(role=filters.role)
    if filters.status == "active":
        query = query.filter_by(active=True)
    elif filters.status == "deactivated":
        query = query.filter_by(active=False)
    elif filters.status == "unverified":
        query = query.where(User.email_verified_at.is_(None))
    if filters.agency:
        query = query.join(Agency).where(Agency.slug == filters.agency)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def get_user(user_id: int) -> User:
    return get_or_404(User, user_id)


def active_admins() -> int:
    return db.session.scalar(select(func.count(User.id)).filter_by(role="admin", active=True)) or 0


def _refuse_losing_last_admin(user: User) -> None:
    if user.role == "admin" and user.active and active_admins() <= 1:
        raise RefusedChange(_("%(name)s is the only active administrator. Make someone else an administrator first.",
                              name=user.name))


def change_role(user: User, role: str, point_of_contact: bool, agency: Agency | None) -> None:
    if user.role == "pending":
        raise RefusedChange(_("%(name)s has not been vetted yet: decide in the vetting queue.", name=user.name))
    if role != user.role:
        if role != "admin":
            _refuse_losing_last_admin(user)
        audit.record("user.role_change", target=audit.target_of(user), detail=f"{user.role} → {role}")
        user.role = role
        sessions.revoke_all(user)
    if point_of_contact != user.point_of_contact:
        user.point_of_contact = point_of_contact
        audit.record("user.point_of_contact", target=audit.target_of(user), detail=str(point_of_contact).lower())
    if agency is not None and agency.id != user.agency_id:
        audit.record("user.agency_change", target=audit.target_of(user),
                     detail=f"{user.agency.slug if user.agency else '-'} → {agency.slug}")
        user.agency = agency
        user.proposed_agency = None
    db.session.commit()


def deactivate(user: User, reason: str) -> None:
    _refuse_losing_last_admin(user)
    user.active = False
    user.deactivation_reason = reason.strip()
    sessions.revoke_all(user)
    audit.record("user.deactivate", target=audit.target_of(user), detail=reason)
    db.session.commit()


def reactivate(user: User) -> None:
    user.active = True
    user.deactivation_reason = ""
    audit.record("user.reactivate", target=audit.target_of(user))
    db.session.commit()


def create_user(email: str, name: str, role: str, agency: Agency | None, password: str, demo: bool = False) -> User:
    """An account made by an administrator (CLI or demo data): vetted and verified from the start."""
    from catalogue.accounts import passwords
    from catalogue.accounts.services import find_user, normalise_email

    if find_user(email) is not None:
        raise RefusedChange(f"An account with the address {normalise_email(email)} already exists.")
    problems = passwords.problems(password, email, name)
    if problems:
        raise RefusedChange(problems[0])
    now = utcnow()
    user = User(email=normalise_email(email), name=name, role=role, agency=agency, demo=demo,
                password_hash=passwords.hash_password(password), email_verified_at=now, terms_accepted_at=now,
                vetted_at=now if role != "pending" else None)
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", target=audit.target_of(user), detail=f"role {role}")
    db.session.commit()
    return user


def list_accounts(role: str | None = None) -> list[User]:
    query = select(User).order_by(User.email)
    return list(db.session.scalars(query.filter_by(role=role) if role else query))


def reset_second_factor(user: User) -> None:
    """For someone who lost their phone and recovery codes: they enrol again at their next sign-in."""
    user.mfa_secret = None
    user.mfa_pending_secret = None
    user.mfa_enabled_at = None
    user.recovery_codes = []
    sessions.revoke_all(user)
    audit.record("mfa.reset", target=audit.target_of(user))
    db.session.commit()
