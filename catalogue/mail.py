"""Outgoing e-mail: written to ``CATALOGUE_DATA_DIR/outbox/`` in development, sent through SMTP in production.

The standard library's ``smtplib`` and ``email`` are enough for plain-text messages; Flask-Mail would add a dependency
without adding behaviour we need.
"""

from __future__ import annotations

import email
import email.policy
import logging
import re
import smtplib
import ssl
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import after_this_request, current_app, has_request_context, render_template, url_for
from flask_babel import force_locale, get_locale

from catalogue import times
from catalogue.config import make_private_directory
from catalogue.extensions import db

log = logging.getLogger(__name__)


def absolute_url(endpoint: str, **values) -> str:
    """Links in e-mails and calendar files start with ``CATALOGUE_BASE_URL``, never with the request's host (also
    outside a request, for changes made from the command line)."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        path = current_app.url_map.bind("catalogue.local").build(endpoint, values)
    return current_app.config["CATALOGUE_BASE_URL"] + path


def after_response(work: Callable[[], object]) -> None:
    """Run ``work`` once the answer to the current request has been sent (at once outside a request).

    For work whose duration would tell the visitor something, such as whether an address has an account: the answer
    leaves before it starts. It runs in a fresh application context with the request's language; an error in it is
    logged, never shown (the visitor already has their page)."""
    if not has_request_context():
        work()
        return
    app = current_app._get_current_object()
    language = str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"])

    def run() -> None:
        with app.app_context(), force_locale(language):
            try:
                work()
            except Exception:
                log.exception("Work left for after the response failed")
                db.session.rollback()

    @after_this_request
    def when_sent(response):
        response.call_on_close(run)
        return response


def outbox_dir() -> Path:
    return Path(current_app.config["CATALOGUE_DATA_DIR"]) / "outbox"


def send(to: str, subject, template: str, *, locale: str | None = None, zone: str | None = None, **context) -> bool:
    """Render ``templates/email/<template>.txt`` in the recipient's ``locale`` (else the current one) and deliver it.
    Pass ``subject`` as a lazy string so it is translated into that language too. Times are written in the
    recipient's ``zone`` (``times.zone_of(user)``), named; UTC when none is given, never the zone of the person whose
    action sends the e-mail. The log names the recipient, never the body.

    Callers send after committing their change, so nothing here may fail them: a message that cannot be written is
    logged (False), one that cannot be delivered is kept in ``unsent/`` for ``flask catalogue retry-mail``."""
    try:
        message = EmailMessage()
        message["From"] = header_text(current_app.config["MAIL_FROM"])
        message["To"] = header_text(to)
        with force_locale(locale or str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])), \
                times.writing_for(zone):
            message["Subject"] = header_text(subject)
            body = render_template(f"email/{template}.txt", **context)
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain="catalogue.local")
        message.set_content(body)
    except Exception:  # a bug, not the recipient's fault: the change it announces is committed and stays so
        log.exception("The e-mail %r to %s could not be written", template, to)
        return False
    if current_app.config["MAIL_SERVER"]:
        _sender.submit(deliver_smtp, message, smtp_settings(), unsent_dir())
    else:
        try:
            path = write_to_outbox(message)
        except OSError:
            log.exception("The e-mail %r to %s could not be written to the outbox", message["Subject"], to)
            keep_unsent(message, unsent_dir())
        else:
            log.info("E-mail %r to %s written to %s", message["Subject"], to, path)
    return True


#: Line breaks and other control characters in a header would end it early (a title ending in "\nBcc: …" would add
#: a recipient) or make the e-mail library refuse the whole message.
HEADER_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")


def header_text(value: object) -> str:
    """A header value on one line: control characters and line breaks become spaces, runs of spaces one space."""
    return " ".join(HEADER_BREAKS.sub(" ", str(value)).split())


def smtp_settings() -> dict:
    return {key: value for key, value in current_app.config.items() if key.startswith("MAIL_")}


def language_of(user) -> str:
    """The language to write to someone other than the reader of the current page in: theirs, else the default."""
    return user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]


def write_to_outbox(message: EmailMessage) -> Path:
    return write_message(message, outbox_dir())


def write_message(message: EmailMessage, directory: Path) -> Path:
    """``message`` as an .eml file named by its Message-ID, readable by the app's user only (it may hold a reset
    link)."""
    make_private_directory(directory)
    path = directory / f"{message['Message-ID'].strip('<>').split('@')[0]}.eml"
    path.write_bytes(bytes(message))
    path.chmod(0o600)
    return path


#: SMTP runs beside the request: a slow or failing mail server must neither delay the answer (which would tell
#: whether an address has an account) nor turn it into an error. Failures are logged and the message kept.
_sender = ThreadPoolExecutor(max_workers=2, thread_name_prefix="mail")


def unsent_dir() -> Path:
    return Path(current_app.config["CATALOGUE_DATA_DIR"]) / "unsent"


def deliver_smtp(message: EmailMessage, config: dict, unsent: Path | None = None) -> None:
    try:
        _deliver(message, config)
    except (OSError, smtplib.SMTPException):
        log.exception("Sending the e-mail %r to %s failed; it is kept to send again", message["Subject"],
                      message["To"])
        if unsent is not None:
            keep_unsent(message, unsent)
    else:
        log.info("E-mail %r sent to %s", message["Subject"], message["To"])


def keep_unsent(message: EmailMessage, directory: Path) -> None:
    """Keep a message that could not be delivered, for ``retry_unsent`` (readable by the app's user only: it may hold
    a reset link)."""
    try:
        write_message(message, directory)
    except OSError:
        log.exception("The undelivered e-mail %r to %s could not be kept either", message["Subject"], message["To"])


def retry_unsent() -> tuple[int, int]:
    """Deliver the kept messages again, oldest first (``flask catalogue retry-mail``, e.g. from cron). Each one that
    goes out is removed; returns how many went out and how many are still waiting."""
    paths = sorted(unsent_dir().glob("*.eml"), key=lambda p: p.stat().st_mtime_ns) if unsent_dir().exists() else []
    sent = 0
    for path in paths:
        message = email.message_from_bytes(path.read_bytes(), _class=EmailMessage, policy=email.policy.default)
        try:
            if current_app.config["MAIL_SERVER"]:
                _deliver(message, smtp_settings())
            else:
                write_to_outbox(message)
        except (OSError, smtplib.SMTPException):
            log.exception("Sending the kept e-mail %r to %s failed again", message["Subject"], message["To"])
            continue
        path.unlink()
        sent += 1
    return sent, len(paths) - sent


def _deliver(message: EmailMessage, config: dict) -> None:
    context = ssl.create_default_context()
    if config["MAIL_SECURITY"] == "ssl":
        client = smtplib.SMTP_SSL(config["MAIL_SERVER"], config["MAIL_PORT"], context=context, timeout=30)
    else:
        client = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30)
    with client:
        if config["MAIL_SECURITY"] == "starttls":
            client.starttls(context=context)
        if config["MAIL_USERNAME"]:
            client.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        client.send_message(message)
