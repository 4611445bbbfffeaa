"""Agencies, the people who belong to them, and the secrets that let those people sign in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalogue.models.base import Base, utcnow
from catalogue.models.contact import AgencyUnit, ToolUsage

AGENCY_KINDS = ("police", "prosecution", "hotline", "ministry", "international", "ngo")
ROLES = ("pending", "member", "curator", "admin", "provider")


def domain_belongs(domain: str, official: str) -> bool:
    """Whether an e-mail domain is ``official`` or one of its subdomains."""
    return domain == official or domain.endswith("." + official)


class Agency(Base):
    __tablename__ = "agencies"
    __table_args__ = (CheckConstraint(f"kind IN {AGENCY_KINDS!r}", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    kind: Mapped[str] = mapped_column(String(20))
    domains: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    #: Slugs from ``catalogue.models.contact.SPECIALISMS`` and ISO 639-1 language codes, for the directory's filters.
    specialisms: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)

    members: Mapped[list[User]] = relationship(back_populates="agency", order_by="User.name")
    units: Mapped[list[AgencyUnit]] = relationship(
        back_populates="agency", order_by="AgencyUnit.position", cascade="all, delete-orphan")
    tool_usages: Mapped[list[ToolUsage]] = relationship(back_populates="agency", cascade="all, delete-orphan")

    def accepts_domain(self, email: str) -> bool:
        domain = email.rpartition("@")[2].lower()
        return any(domain_belongs(domain, official) for official in self.domains or [])

    def __repr__(self) -> str:
        return f"<Agency {self.slug}>"


class User(Base):
    """A person with an account. ``session_version`` is part of the session id: bumping it signs out everywhere."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"role IN {ROLES!r}", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[str] = mapped_column(String(120), default="")
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="RESTRICT"), index=True)
    proposed_agency: Mapped[dict | None] = mapped_column(JSON)
    justification: Mapped[str] = mapped_column(Text, default="")
    role: Mapped[str] = mapped_column(String(10), default="pending")
    point_of_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Shown in the agency directory for points of contact: ISO 639-1 codes, an IANA time zone, free-text hours.
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    time_zone: Mapped[str] = mapped_column(String(64), default="")
    office_hours: Mapped[str] = mapped_column(String(200), default="")
    #: The interface language the member chose (``catalogue.languages``); None follows the browser.
    locale: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    deactivation_reason: Mapped[str] = mapped_column(Text, default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    terms_accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: What the person accepted of ``catalogue.agreements``: document → {"version", "at"} (ISO time, UTC).
    accepted_documents: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    #: The tool-maker organisation a provider speaks for, as the catalogue's entries name it (``Tool.organisation``);
    #: set at registration, checked by the vetting administrator. None for everyone else.
    organisation: Mapped[str | None] = mapped_column(String(200))
    vetted_at: Mapped[datetime | None] = mapped_column(DateTime)
    vetted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    mfa_secret: Mapped[str | None] = mapped_column(String(64))
    mfa_pending_secret: Mapped[str | None] = mapped_column(String(64))
    mfa_last_step: Mapped[int] = mapped_column(Integer, default=0)
    mfa_enabled_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    agency: Mapped[Agency | None] = relationship(back_populates="members")
    recovery_codes: Mapped[list[RecoveryCode]] = relationship(cascade="all, delete-orphan")

    # Flask-Login's interface
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def mfa_enabled(self) -> bool:
        return self.mfa_secret is not None

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class RecoveryCode(Base):
    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(DateTime)


class AccountToken(Base):
    """The server half of an e-mailed link: the link is signed and expires; this row makes it single-use."""

    __tablename__ = "account_tokens"

    id: Mapped[str] = mapped_column(String(43), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)


class SignInThrottle(Base):
    """Failed sign-ins per e-mail address (known or not), shared by every worker process through the database."""

    __tablename__ = "sign_in_throttles"

    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(DateTime)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)


class ApiToken(Base):
    """A personal access token for the JSON API. The token itself (``cat_<public_id>_<secret>``) is shown once; only
    a keyed hash of its secret is kept. It stops working when revoked, when it expires, when its owner is deactivated
    and when its owner's role is no longer ``role`` (the role it was made under)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    #: ``read``, or ``read curate``: space-separated, as OAuth writes scopes.
    scopes: Mapped[str] = mapped_column(String(40), default="read")
    secret_hash: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()
