"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

import gzip
import re
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

MIN_LENGTH = 12
MAX_LENGTH = 128


def hasher() -> PasswordHasher:
    config = current_app.config
    return _hasher(config["PASSWORD_TIME_COST"], config["PASSWORD_MEMORY_COST"])


@cache
def _hasher(time_cost: int, memory_cost: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)  # argon2id is the default type


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify(password_hash: str, password: str) -> bool:
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return hasher().check_needs_rehash(password_hash)


def spend_equal_time(password: str) -> None:
    """Verify against a throwaway hash so an unknown address costs as much as a wrong password."""
    verify(_dummy_hash(current_app.config["PASSWORD_TIME_COST"], current_app.config["PASSWORD_MEMORY_COST"]), password)


@cache
def _dummy_hash(time_cost: int, memory_cost: int) -> str:
    return _hasher(time_cost, memory_cost).hash("not a password anyone has")


@cache
def common_passwords() -> frozenset[str]:
    """Django's list of 20,000 common passwords (BSD licence), bundled in ``catalogue/data``."""
    data = resources.files("catalogue.data").joinpath("common-passwords.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode("utf-8").split())


def problems(password: str, email: str = "", name: str = "") -> list[str]:
    """What is wrong with a new password, as messages for the form; empty when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return [ngettext("Use at least %(num)s character.", "Use at least %(num)s characters.", MIN_LENGTH)]
    if len(password) > MAX_LENGTH:
        return [ngettext("Use at most %(num)s character.", "Use at most %(num)s characters.", MAX_LENGTH)]
    lowered = password.lower()
    core = re.sub(r"[\d\W_]+$", "", re.sub(r"^[\d\W_]+", "", lowered))
    common = common_passwords()
    if lowered in common or core in common or len(set(lowered)) <= 3:
        return [_("This password is too common. Choose one that is hard to guess, such as four unrelated words.")]
    local_part = email.partition("@")[0].lower()
    if (local_part and len(local_part) >= 4 and local_part in lowered) or (name and name.lower() in lowered):
        return [_("Do not use your name or e-mail address in your password.")]
    return []
