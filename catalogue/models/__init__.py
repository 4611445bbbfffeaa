"""Typed SQLAlchemy models, one module per domain."""

from catalogue.models.assessment import Assessment
from catalogue.models.audit import AuditEvent
from catalogue.models.base import Base
from catalogue.models.contact import (
    HANDLING_CODES,
    REGIONS,
    REQUEST_KINDS,
    REQUEST_STATES,
    SPECIALISMS,
    URGENCIES,
    AgencyUnit,
    ContactMessage,
    ContactRequest,
    Notification,
    ToolUsage,
)
from catalogue.models.curation import REVISION_ACTIONS, FormerSlug, KeptEdit, ProposedChange, Setting, ToolRevision
from catalogue.models.entry_translations import GuidanceTranslation, ToolTranslation
from catalogue.models.guidance import GUIDANCE_TOPICS, GuidancePage, GuidanceRevision, guidance_terms
from catalogue.models.people import AGENCY_KINDS, ROLES, AccountToken, Agency, RecoveryCode, SignInThrottle, User
from catalogue.models.profiles import OfficerProfile
from catalogue.models.providers import VERIFICATION_STATES, VerificationRequest
from catalogue.models.search import SearchChange, SynonymGroup
from catalogue.models.tools import STATUSES, Term, Tool, Vocabulary, tool_terms
from catalogue.models.trainings import Enrolment, Training
from catalogue.models.workspace import Alert, SavedSearch, Shortlist, ShortlistItem, ShortlistShare

__all__ = [
    "AGENCY_KINDS", "GUIDANCE_TOPICS", "HANDLING_CODES", "REGIONS", "REQUEST_KINDS", "REQUEST_STATES", "SPECIALISMS",
    "URGENCIES", "AgencyUnit", "ContactMessage", "ContactRequest", "Notification", "ToolUsage",
    "REVISION_ACTIONS", "ROLES", "STATUSES", "AccountToken", "Agency",
    "Assessment", "AuditEvent", "Base", "FormerSlug",
    "ProposedChange", "Enrolment", "GuidancePage", "GuidanceRevision", "KeptEdit", "RecoveryCode",
    "Alert", "SavedSearch", "SearchChange", "Setting", "Shortlist", "ShortlistItem", "ShortlistShare", "SignInThrottle",
    "SynonymGroup",
    "Term", "Tool", "ToolRevision", "Training", "User",
    "Vocabulary",
    "GuidanceTranslation", "ToolTranslation",
    "guidance_terms", "tool_terms",
    "VERIFICATION_STATES", "VerificationRequest",
    "OfficerProfile",
]
