"""Outgoing e-mail: written to ``CATALOGUE_DATA_DIR/outbox/`` in development, sent through SMTP in production.

The standard library's ``smtplib`` and ``email`` are enough for plain-text messages; Flask-Mail would add a dependency
without adding behaviour we need.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale, get_locale

log = logging.getLogger(__name__)


def absolute_url(endpoint: str, **values) -> str:
    """Links in e-mails and calendar files start with ``CATALOGUE_BASE_URL``, never with the request's host (also
    outside a request, for changes made from the command line)."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        path = current_app.url_map.bind("catalogue.local").build(endpoint, values)
    return current_app.config["CATALOGUE_BASE_URL"] + path


def outbox_dir() -> Path:
    return Path(current_app.config["CATALOGUE_DATA_DIR"]) / "outbox"


def send(to: str, subject, template: str, *, locale: str | None = None, **context) -> None:
    """Render ``templates/email/<template>.txt`` in the recipient's ``locale`` (else the current one) and deliver it.
    Pass ``subject`` as a lazy string so it is translated into that language too. The log names the recipient,
    never the body."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    with force_locale(locale or str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])):
        message["Subject"] = str(subject)
        body = render_template(f"email/{template}.txt", **context)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="catalogue.local")
    message.set_content(body)
    if current_app.config["MAIL_SERVER"]:
        settings = {key: value for key, value in current_app.config.items() if key.startswith("MAIL_")}
        _sender.submit(deliver_smtp, message, settings)
    else:
        path = write_to_outbox(message)
        log.info("E-mail %r to %s written to %s", subject, to, path)


def language_of(user) -> str:
    """The language to write to someone other than the reader of the current page in: theirs, else the default."""
    return user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]


def write_to_outbox(message: EmailMessage) -> Path:
    directory = outbox_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    stem = message["Message-ID"].strip("<>").split("@")[0]
    path = directory / f"{stem}.eml"
    path.write_bytes(bytes(message))
    path.chmod(0o600)
    return path


#: SMTP runs beside the request: a slow or failing mail server must neither delay the answer (which would tell
#: whether an address has an account) nor turn it into an error. Failures are logged.
_sender = ThreadPoolExecutor(max_workers=2, thread_name_prefix="mail")


def deliver_smtp(message: EmailMessage, config: dict) -> None:
    try:
        _deliver(message, config)
    except (OSError, smtplib.SMTPException):
        log.exception("Sending the e-mail %r to %s failed", message["Subject"], message["To"])
    else:
        log.info("E-mail %r sent to %s", message["Subject"], message["To"])


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
