"""TOTP second factor with single-use codes, and hashed single-use recovery codes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import unicodedata

import pyotp
import segno
from markupsafe import Markup
from sqlalchemy import update

from catalogue.extensions import db
from catalogue.models import RecoveryCode, User
from catalogue.models.base import utcnow

ISSUER = "AI Tools Catalogue"
RECOVERY_CODE_COUNT = 10
STEP_SECONDS = 30


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> Markup:
    """The QR code as inline SVG markup (no image request, nothing for the CSP to block)."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff", title=None)
    return Markup(svg.replace("<svg ", '<svg role="img" aria-label="QR code" ', 1))  # noqa: S704 - made by segno


def ascii_digits(text: str) -> str:
    """``text`` with the digits of every script (Arabic-Indic ١٢٣, Persian ۱۲۳, full-width １２３, …) written as
    0-9: people type a code on the keyboard of their own language. Other characters are left as they are."""
    return "".join(str(unicodedata.decimal(ch)) if not ch.isascii() and unicodedata.decimal(ch, None) is not None
                   else ch for ch in text)


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step (±1 around now) whose code equals ``code`` (spaces ignored, any script's digits), or None."""
    code = ascii_digits("".join(code.split()))
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    current = int((time.time() if now is None else now) // STEP_SECONDS)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def accept_code(user: User, code: str, secret: str | None = None, now: float | None = None) -> bool:
    """Check a TOTP code and burn its time step so the same code (or an older one) cannot be used again."""
    step = matching_step(secret or user.mfa_secret or "", code, now)
    if step is None:
        return False
    burnt = db.session.execute(
        update(User).where(User.id == user.id, User.mfa_last_step < step).values(mfa_last_step=step)
    )
    return burnt.rowcount == 1  # zero when this step (or a later one) was used, even by a racing request


def hash_recovery_code(code: str) -> str:
    """Recovery codes carry 60 random bits, so a plain SHA-256 is enough (a slow hash guards guessable secrets)."""
    return hashlib.sha256(normalise_recovery_code(code).encode()).hexdigest()


def normalise_recovery_code(code: str) -> str:
    """Lower-case ASCII letters and digits only (digits of other scripts read as 0-9; dashes and spaces dropped)."""
    return "".join(ch for ch in ascii_digits(code).lower() if ch.isascii() and ch.isalnum())


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes; the plain codes are returned once, to be shown once."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = ["-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))
             for _ in range(RECOVERY_CODE_COUNT)]
    user.recovery_codes = [RecoveryCode(code_hash=hash_recovery_code(code)) for code in codes]
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    digest = hash_recovery_code(code)
    for row in user.recovery_codes:
        if row.used_at is None and hmac.compare_digest(row.code_hash, digest):
            used = db.session.execute(
                update(RecoveryCode).where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
                .values(used_at=utcnow())
            )
            return used.rowcount == 1
    return False


def remaining_recovery_codes(user: User) -> int:
    return sum(1 for row in user.recovery_codes if row.used_at is None)
