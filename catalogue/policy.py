"""Every permission, the roles that hold it, one decorator for views and one helper for templates.

A view without ``@requires`` fails the route × role test in ``tests/test_policy.py``; object-level checks (my own
agency's requests, my own drafts) are not here but in the services, which answer 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, current_app
from flask_login import current_user

from catalogue.extensions import login_manager

ANONYMOUS = "anonymous"
ROLES = (ANONYMOUS, "pending", "member", "curator", "admin", "provider")

EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {ANONYMOUS}
MEMBERS = frozenset({"member", "curator", "admin"})
CURATORS = frozenset({"curator", "admin"})
ADMINS = frozenset({"admin"})
#: A tool-maker's staff: the public pages and their own organisation's entries, nothing of agencies or members.
PROVIDERS = frozenset({"provider"})

PERMISSIONS: dict[str, frozenset[str]] = {
    "site.view": EVERYONE,  # home, about, terms, sign-in, registration, password reset
    "account.manage": SIGNED_IN,  # my own profile, password, MFA and sign-out
    "catalogue.view": MEMBERS,  # the catalogue, tool pages, compare, the shortlist (a visitor's in the session)
    "workspace.keep": MEMBERS,  # my shortlists (notes, sharing, CSV), lists shared with me; saved searches; follows
    "tools.curate": CURATORS,  # the curation dashboard, drafts, editor, history, submit, archive, restore
    "tools.review": CURATORS,  # approve and publish or return someone else's entry; re-verify published ones
    "vocabularies.manage": ADMINS,  # add, relabel, reorder, merge and retire terms
    "catalogue.transfer": ADMINS,  # import and export files in the interface
    "curation.configure": ADMINS,  # curation settings such as self-approval
    "users.vet": ADMINS,
    "users.manage": ADMINS,
    "agencies.manage": ADMINS,
    "audit.view": ADMINS,
    "assessment.take": MEMBERS,  # the readiness self-assessment: answer it, see, download and print the result
    "assessment.keep": MEMBERS,  # save my own assessments; list, open, compare, print, export and delete them
    "trainings.view": MEMBERS,  # the list of trainings, training pages and their calendar files
    "trainings.enrol": MEMBERS,  # enrol, join the waiting list, leave; my trainings and my calendar file
    "trainings.manage": CURATORS,  # create, edit, publish and cancel trainings; attendee lists and their CSV
    "agencies.view": MEMBERS,  # the agency directory, agency pages, and the agencies that use a tool
    "tools.usage": MEMBERS,  # record, annotate and remove the tools my own agency uses
    "contact.use": MEMBERS,  # send requests; my inbox; requests I am a party to (the service answers 404 otherwise)
    "contact.oversee": ADMINS,  # volumes and answer times, overdue requests, the CSV export without content
    "provider.work": PROVIDERS,  # my organisation's entries: propose changes and new entries, answer verifications
    "api.tokens": MEMBERS,  # make, list and revoke my own personal access tokens for the JSON API
    "people.view": MEMBERS,  # the people directory, officer profiles, the officers who know a tool (never public)
    "people.profile": MEMBERS,  # publish, change and hide my own officer profile, field by field
}

#: Opened read-only to everyone by ``CATALOGUE_PUBLIC_BROWSING=1``.
PUBLIC_BROWSING = frozenset({"catalogue.view", "assessment.take", "trainings.view"})

#: Endpoints that serve files, not pages.
EXEMPT_ENDPOINTS = frozenset({"static"})

#: Roles that are told "not found" rather than "forbidden" for what they may not open: a provider must not even
#: learn which agency, member or request pages exist.
NOT_FOUND_ROLES = frozenset({"provider"})

#: Roles that must enrol a second factor before they can do anything else.
MFA_REQUIRED_ROLES = frozenset({"curator", "admin"})


def me():
    """The signed-in user object itself; services store it, so they must not get Flask-Login's proxy."""
    return current_user._get_current_object()


def role_of(user=None) -> str:
    user = current_user if user is None else user
    if not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    return user.role


def roles_holding(permission: str, public_browsing: bool | None = None) -> frozenset[str]:
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    if public_browsing is None:
        public_browsing = current_app.config["CATALOGUE_PUBLIC_BROWSING"]
    if public_browsing and permission in PUBLIC_BROWSING:
        return EVERYONE
    return PERMISSIONS[permission]


def can(permission: str, user=None) -> bool:
    return role_of(user) in roles_holding(permission)


def requires(permission: str) -> Callable:
    """Declare what a view needs. Anonymous visitors are sent to sign in; signed-in users without it get 403."""
    roles_holding(permission, public_browsing=False)  # fail at import for a misspelt permission

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            if not can(permission):
                if role_of() == ANONYMOUS:
                    return login_manager.unauthorized()
                from catalogue import audit

                audit.record_denial(permission)
                abort(404 if role_of() in NOT_FOUND_ROLES else 403)
            return view(*args, **kwargs)

        guarded.permission = permission
        return guarded

    return decorate


def mfa_required(user=None) -> bool:
    """Whether the user's role must use a second factor (and so may not turn it off)."""
    return role_of(user) in MFA_REQUIRED_ROLES


def needs_mfa_enrolment(user=None) -> bool:
    user = current_user if user is None else user
    return mfa_required(user) and not user.mfa_enabled
