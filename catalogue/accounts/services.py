"""Registration, e-mail verification, sign-in, password changes and the second factor. Each public function is one
transaction: it does the work, records the audit event and commits."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from flask import session, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from catalogue import audit, mail
from catalogue.accounts import mfa, passwords, sessions, throttle, tokens
from catalogue.agreements import documents
from catalogue.extensions import db
from catalogue.models import Agency, User
from catalogue.models.base import utcnow
from catalogue.models.people import domain_belongs
from catalogue.policy import mfa_required

MFA_PENDING_SECONDS = 300


def agencies_for_registration() -> list[Agency]:
    return list(db.session.scalars(select(Agency).order_by(Agency.name)))


def agency_by_slug(slug: str | None) -> Agency | None:
    return db.session.scalar(select(Agency).filter_by(slug=slug)) if slug else None


def normalise_email(email: str) -> str:
    return email.strip().lower()[:254]


def find_user(email: str) -> User | None:
    return db.session.scalar(db.select(User).filter_by(email=normalise_email(email)))


# Registration and verification -------------------------------------------------------------------------------------

@dataclass
class Application:
    name: str
    email: str
    password: str
    position: str
    justification: str
    agency: dict  # as the applicant describes it: name, country, kind, domain (see ``match_agency``)


def match_agency(described: dict, email: str) -> Agency | None:
    """The member agency an applicant means, or None (a new agency, which the administrators check when vetting).

    The registration form lists no agencies: which agencies belong to the network is not public. An agency that the
    applicant's e-mail address or the domain they gave belongs to is theirs (if several, the one whose name they
    wrote); otherwise the one agency with exactly the name they wrote (case and spacing aside). The applicant is not
    told which, nor whether any matched: the pages and e-mails are the same either way."""
    domains = [d for d in (email.rpartition("@")[2].lower(), described.get("domain") or "") if d]
    wanted = " ".join(str(described.get("name", "")).split()).casefold()
    agencies = list(db.session.scalars(select(Agency)))
    by_domain = [a for a in agencies
                 if any(domain_belongs(d, official) for d in domains for official in a.domains or [])]
    by_name = [a for a in agencies if " ".join(a.name.split()).casefold() == wanted]
    for candidates in ([a for a in by_domain if a in by_name], by_domain, by_name):
        if len(candidates) == 1:
            return candidates[0]
    return None


def register(application: Application) -> None:
    """Create a pending account and send the verification link. For an address that already has an account, tell
    its owner by e-mail instead, so the page shown is the same either way."""
    email = normalise_email(application.email)
    existing = find_user(email)
    if existing is not None:
        passwords.hash_password(application.password)  # the same work as a new account, so timing tells nothing
        audit.record("account.register", target=audit.target_of(existing), outcome="duplicate")
        db.session.commit()
        mail.send(email, _l("Someone tried to register with your address"), "already_registered",
                  locale=existing.locale, user=existing, reset_url=tokens.link(url_for("account.reset_request")))
        return
    user = User(
        email=email,
        name=application.name.strip(),
        position=application.position.strip(),
        justification=application.justification.strip(),
        agency=match_agency(application.agency, email),
        proposed_agency=application.agency,  # what they wrote: shown back to them, never the agency it matched
        password_hash=passwords.hash_password(application.password),
        terms_accepted_at=utcnow(),
        role="pending",
        locale=str(get_locale()),  # e-mails about the application come in the language it was made in
    )
    documents.record(user, documents.applicable(role="member"))  # the form's box accepts the current versions
    db.session.add(user)
    db.session.flush()
    audit.record("account.register", target=audit.target_of(user), actor=user)
    send_verification(user)
    db.session.commit()


def send_verification(user: User) -> None:
    value = tokens.issue(user, tokens.VERIFY_EMAIL)
    mail.send(user.email, _l("Confirm your e-mail address"), "verify_email", locale=user.locale, user=user,
              url=tokens.link(url_for("account.verify_email", token=value)),
              hours=tokens.max_age(tokens.VERIFY_EMAIL) // 3600)


def resend_verification(user: User) -> None:
    if user.email_verified_at is None:
        tokens.retire_all(user, tokens.VERIFY_EMAIL)
        send_verification(user)
        db.session.commit()


def verify_email(value: str) -> User:
    """Mark the address verified; raises ``tokens.TokenProblem``."""
    try:
        user = tokens.redeem(value, tokens.VERIFY_EMAIL)
    except tokens.TokenProblem as problem:
        audit.record_now("account.verify_email", outcome=problem.reason)
        raise
    user.email_verified_at = user.email_verified_at or utcnow()
    audit.record("account.verify_email", target=audit.target_of(user), actor=user)
    db.session.commit()
    return user


# Sign-in ------------------------------------------------------------------------------------------------------------

@dataclass
class SignInResult:
    """``outcome`` is one of ``signed_in``, ``needs_code``, ``failed``, ``locked`` or ``deactivated``."""

    outcome: str
    user: User | None = None
    retry_at: datetime | None = None


def sign_in(email: str, password: str) -> SignInResult:
    email = normalise_email(email)
    retry_at = throttle.locked_until(email)
    if retry_at is not None:
        audit.record_now("sign_in", target=email, outcome="throttled")
        return SignInResult("locked", retry_at=retry_at)
    user = find_user(email)
    if user is None:
        passwords.spend_equal_time(password)
        ok = False
    else:
        ok = passwords.verify(user.password_hash, password)
    if not ok:
        retry_at = throttle.record_failure(email)
        audit.record("sign_in", target=email if user else typed_address(email), outcome="failure", actor=user)
        db.session.commit()
        return SignInResult("locked" if retry_at else "failed", retry_at=retry_at)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    if not user.active:
        audit.record("sign_in", target=email, outcome="deactivated", actor=user)
        db.session.commit()
        return SignInResult("deactivated", user)
    if user.mfa_enabled:
        sessions.clear_keeping_carried()
        session[sessions.MFA_PENDING] = {"user": user.get_id(), "at": int(time.time())}
        audit.record("sign_in", target=email, outcome="password_ok", actor=user)
        db.session.commit()
        return SignInResult("needs_code", user)
    throttle.clear(email)  # only a complete sign-in clears failures; a right password alone must not reset codes
    sessions.start(user)
    audit.record("sign_in", target=email, actor=user)
    db.session.commit()
    return SignInResult("signed_in", user)


def typed_address(email: str) -> str:
    """What to log for an address without an account: people type passwords into the wrong field, so anything that
    does not look like an address is not recorded."""
    looks_like_address = "@" in email and " " not in email and "." in email.rpartition("@")[2]
    return f"unknown:{email}" if looks_like_address else "unknown:(not an e-mail address)"


def password_confirmed(user: User, password: str, action: str) -> bool:
    """Re-entered password checks share the sign-in throttle, so a stolen session cannot guess the password."""
    if throttle.locked_until(user.email) is None and passwords.verify(user.password_hash, password):
        return True
    throttle.record_failure(user.email)
    audit.record(action, target=audit.target_of(user), outcome="failure", actor=user)
    db.session.commit()
    return False


def user_waiting_for_code() -> User | None:
    pending = session.get(sessions.MFA_PENDING)
    if not pending or int(time.time()) - pending.get("at", 0) > MFA_PENDING_SECONDS:
        return None
    return sessions.load_user(pending.get("user", ""))


def complete_sign_in(code: str) -> bool:
    """Second step: a TOTP code or a recovery code. False (and nothing changes but the audit log) if wrong."""
    user = user_waiting_for_code()
    if user is None:
        return False
    if throttle.locked_until(user.email) is not None:  # an old cookie replayed while locked gets no more guesses
        session.pop(sessions.MFA_PENDING, None)
        return False
    if mfa.accept_code(user, code):
        how = "totp"
    elif mfa.use_recovery_code(user, code):
        how = "recovery_code"
    else:
        retry_at = throttle.record_failure(user.email)
        audit.record("sign_in.mfa", target=user.email, outcome="failure", actor=user)
        db.session.commit()
        if retry_at:
            session.pop(sessions.MFA_PENDING, None)
        return False
    throttle.clear(user.email)
    sessions.start(user)
    audit.record("sign_in.mfa", target=user.email, detail=how, actor=user)
    db.session.commit()
    return True


def sign_out(user: User) -> None:
    """Sign out here and in every other browser."""
    sessions.revoke_all(user)
    audit.record("sign_out", target=audit.target_of(user), actor=user)
    db.session.commit()
    sessions.end()


# Passwords ----------------------------------------------------------------------------------------------------------

def change_password(user: User, current: str, new: str) -> bool:
    if not password_confirmed(user, current, "password.change"):
        return False
    user.password_hash = passwords.hash_password(new)
    tokens.retire_all(user, tokens.RESET_PASSWORD)
    sessions.revoke_all(user)
    audit.record("password.change", target=audit.target_of(user), actor=user)
    db.session.commit()
    mail.send(user.email, _l("Your password was changed"), "password_changed", locale=user.locale, user=user)
    sessions.start(user)  # this browser stays signed in with the new session version
    db.session.commit()
    return True


def request_password_reset(email: str) -> None:
    """Send a reset link if an active account has this address; do and show the same either way.

    In the request, both cases do the same work (one look-up, one audit event, one commit); the link and its e-mail
    are made after the answer has been sent (``mail.after_response``), so the time to answer cannot tell whether the
    address has an account."""
    user = find_user(email)
    user_id = user.id if user is not None and user.active else None
    if user_id is not None:
        audit.record("password.reset_request", target=audit.target_of(user), actor=user)
    else:
        audit.record("password.reset_request", target=normalise_email(email), outcome="unknown")
    db.session.commit()
    mail.after_response(lambda: send_reset_link(user_id) if user_id is not None else None)


def send_reset_link(user_id: int) -> None:
    """Retire the user's older reset links, make a new one and e-mail it (after the request, see above)."""
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return
    tokens.retire_all(user, tokens.RESET_PASSWORD)
    value = tokens.issue(user, tokens.RESET_PASSWORD)
    db.session.commit()
    mail.send(user.email, _l("Reset your password"), "reset_password", locale=user.locale, user=user,
              url=mail.absolute_url("account.reset_password", token=value),
              minutes=tokens.max_age(tokens.RESET_PASSWORD) // 60)


def check_reset_token(value: str) -> tuple[str, str]:
    """The e-mail and name of the link's user, for the password policy; raises ``tokens.TokenProblem`` if the link
    cannot be used. The link is not used up."""
    user = tokens.redeem(value, tokens.RESET_PASSWORD)
    found = (user.email, user.name)
    db.session.rollback()
    return found


def reset_password(value: str, new: str) -> User:
    try:
        user = tokens.redeem(value, tokens.RESET_PASSWORD)
    except tokens.TokenProblem as problem:
        audit.record_now("password.reset", outcome=problem.reason)
        raise
    user.password_hash = passwords.hash_password(new)
    tokens.retire_all(user, tokens.RESET_PASSWORD)
    throttle.clear(user.email)
    sessions.revoke_all(user)
    audit.record("password.reset", target=audit.target_of(user), actor=user)
    db.session.commit()
    mail.send(user.email, _l("Your password was changed"), "password_changed", locale=user.locale, user=user)
    return user


# Second factor ------------------------------------------------------------------------------------------------------

def mfa_setup_secret(user: User) -> str:
    """The secret being enrolled, kept on the account until it is confirmed with a code."""
    if not user.mfa_pending_secret:
        user.mfa_pending_secret = mfa.new_secret()
        db.session.commit()
    return user.mfa_pending_secret


def enrol_mfa(user: User, code: str) -> list[str] | None:
    """Confirm enrolment with a code from the app; returns the recovery codes to show once, or None if wrong."""
    secret = user.mfa_pending_secret
    if not secret or not mfa.accept_code(user, code, secret=secret):
        audit.record_now("mfa.enrol", target=audit.target_of(user), outcome="failure", actor=user)
        return None
    user.mfa_secret = secret
    user.mfa_pending_secret = None
    user.mfa_enabled_at = utcnow()
    codes = mfa.new_recovery_codes(user)
    audit.record("mfa.enrol", target=audit.target_of(user), actor=user)
    db.session.commit()
    return codes


def disable_mfa(user: User, password: str) -> bool:
    """Members may turn the second factor off; curators and administrators may not."""
    if mfa_required(user):
        audit.record_now("mfa.disable", target=audit.target_of(user), outcome="denied", actor=user)
        return False
    if not password_confirmed(user, password, "mfa.disable"):
        return False
    user.mfa_secret = None
    user.mfa_enabled_at = None
    user.recovery_codes = []
    sessions.revoke_all(user)
    audit.record("mfa.disable", target=audit.target_of(user), actor=user)
    db.session.commit()
    sessions.start(user)  # other devices are signed out; this one continues
    db.session.commit()
    return True


def regenerate_recovery_codes(user: User, password: str) -> list[str] | None:
    if not user.mfa_enabled or not password_confirmed(user, password, "mfa.recovery_codes"):
        return None
    codes = mfa.new_recovery_codes(user)
    audit.record("mfa.recovery_codes", target=audit.target_of(user), actor=user)
    db.session.commit()
    return codes


def update_contact_details(user: User, languages: list[str], time_zone: str, office_hours: str) -> None:
    """The languages, time zone and office hours the agency directory shows for a point of contact."""
    user.languages = sorted({code.strip().lower() for code in languages if code.strip()})
    user.time_zone = time_zone.strip()
    user.office_hours = " ".join(office_hours.split())
    audit.record("account.contact_details", target=audit.target_of(user))
    db.session.commit()
