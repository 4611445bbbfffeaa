"""Sending a new request: who may receive one, the daily limit, the answer deadline, the first notifications."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import exists, func, select, update

from catalogue import clock
from catalogue.contact import history, notify
from catalogue.contact.visibility import may_use, points_of_contact
from catalogue.extensions import db
from catalogue.languages.formatting import sorted_choices
from catalogue.models import HANDLING_CODES, REQUEST_KINDS, URGENCIES, Agency, ContactRequest, Tool, User
from catalogue.models.contact import MESSAGE_MAX, REASON_MAX, SUBJECT_MAX
from catalogue.templating import country_name, language_name


class SendingRefused(Exception):
    """Nothing was sent; ``message`` says why, and ``field`` names the form field it is about (or None)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


@dataclass
class Draft:
    agency: str  # the recipient agency's slug
    kind: str
    subject: str
    message: str
    urgency: str
    handling_code: str
    handling_conditions: str = ""
    languages: list[str] = field(default_factory=list)
    tool: str = ""  # a published tool's slug, or empty


def _has_point_of_contact():
    return exists(points_of_contact(Agency.id).with_only_columns(User.id).order_by(None))


def recipient_choices(user: User) -> list[tuple[str, str]]:
    """Other agencies with at least one active point of contact, as (slug, "Name (Country)")."""
    query = select(Agency.slug, Agency.name, Agency.country).where(_has_point_of_contact()).order_by(Agency.name)
    if user.agency_id is not None:
        query = query.where(Agency.id != user.agency_id)
    return [(slug, f"{name} ({country_name(country)})") for slug, name, country in db.session.execute(query)]


#: Arabic, Chinese, English, French, Russian and Spanish: offered whoever the agencies in the directory are.
UN_LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")


def language_choices(user: User) -> list[tuple[str, str]]:
    """A short list to tick rather than every ISO language: the UN languages, those any agency speaks, and the
    member's own (from their profile), by name."""
    codes = set(UN_LANGUAGES) | set(user.languages or [])
    for spoken in db.session.scalars(select(Agency.languages)):
        codes.update(spoken or [])
    return sorted_choices((code, language_name(code)) for code in codes)


def tool_choices() -> list[tuple[str, str]]:
    return [(slug, name) for slug, name in db.session.execute(
        select(Tool.slug, Tool.name).where(Tool.status == "published").order_by(Tool.name))]


def published_tool(slug: str) -> Tool | None:
    return db.session.scalar(select(Tool).where(Tool.slug == slug, Tool.status == "published")) if slug else None


def answer_hours(urgency: str) -> int:
    return int(current_app.config["CONTACT_ANSWER_HOURS"][urgency])


def daily_limit() -> int:
    return int(current_app.config["CONTACT_REQUESTS_PER_DAY"])


def sent_in_last_day(user: User) -> int:
    since = clock.now() - timedelta(hours=24)
    return db.session.scalar(select(func.count()).select_from(ContactRequest).where(
        ContactRequest.sender_id == user.id, ContactRequest.created_at > since)) or 0


def lock_sender(user: User) -> None:
    """Serialise one member's sending: a no-op write of their own row, held until the transaction ends (the row lock
    on PostgreSQL, the database's write lock on SQLite). The daily limit is then counted in the database, after any
    request the same member sent from another worker process has committed, so the limit holds across workers."""
    db.session.execute(update(User).where(User.id == user.id).values(name=User.name)
                       .execution_options(synchronize_session=False))


def _check(draft: Draft) -> None:
    """The form checks all of this too; the service refuses it again for callers that are not the form."""
    if draft.kind not in REQUEST_KINDS or draft.urgency not in URGENCIES or draft.handling_code not in HANDLING_CODES:
        raise SendingRefused(_("Choose the type, urgency and handling code from the lists."))
    if not draft.subject.strip() or len(draft.subject) > SUBJECT_MAX:
        raise SendingRefused(_("Give a subject of at most %(max)s characters.", max=SUBJECT_MAX), "subject")
    if not draft.message.strip() or len(draft.message) > MESSAGE_MAX:
        raise SendingRefused(_("Write a message of at most %(max)s characters.", max=MESSAGE_MAX), "message")
    if draft.handling_code == "H3" and not draft.handling_conditions.strip():
        raise SendingRefused(_("State the conditions for handling code H3."), "handling_conditions")
    if len(draft.handling_conditions) > REASON_MAX:
        raise SendingRefused(_("State the conditions in at most %(max)s characters.", max=REASON_MAX),
                             "handling_conditions")


def recipient_agency(slug: str, sender: User) -> tuple[Agency, list[User]]:
    """The agency a request may go to, with its points of contact; refused for one's own agency and for an
    agency nobody answers for."""
    agency = db.session.scalar(select(Agency).where(Agency.slug == slug)) if slug else None
    if agency is None:
        raise SendingRefused(_("Choose the agency the request is for from the list."), "agency")
    if agency.id == sender.agency_id:
        raise SendingRefused(_("Requests go to other agencies: for your own agency, contact your colleagues "
                               "directly."), "agency")
    contacts = list(db.session.scalars(points_of_contact(agency.id)))
    if not contacts:
        raise SendingRefused(_("%(agency)s has no point of contact in the catalogue yet, so nobody could answer "
                               "a request. Choose another agency.", agency=agency.name), "agency")
    return agency, contacts


def send_request(draft: Draft, sender: User) -> ContactRequest:
    """Send ``draft`` from ``sender`` to the agency it names; the agency's points of contact are notified."""
    _check_sender(sender)
    _check(draft)
    agency, contacts = recipient_agency(draft.agency, sender)
    return _send(draft, sender, agency, contacts)


def send_introduction(draft: Draft, sender: User, person: User) -> ContactRequest:
    """Send ``draft`` from ``sender`` to ``person`` alone: an introduction request, with the same checks, daily
    limit, deadline, audit and notifications as a request to an agency. ``draft.agency`` is ignored: the request
    goes to the agency ``person`` belongs to now. Whether ``person`` publishes a profile that accepts
    introductions is for the caller (``catalogue.people``) to check; this refuses only what no request may be."""
    _check_sender(sender)
    _check(draft)
    if person.id == sender.id or not may_use(person) or person.agency_id is None:
        raise SendingRefused(_("This person cannot receive introduction requests."))
    if person.agency_id == sender.agency_id:
        raise SendingRefused(_("%(name)s works in your own agency: contact them directly.", name=person.name))
    return _send(draft, sender, person.agency, [person], person)


def _check_sender(sender: User) -> None:
    if sender.agency_id is None:
        raise SendingRefused(_("Your account is not linked to an agency, so you cannot send requests yet. Ask an "
                               "administrator to link it to your agency."))


def _send(draft: Draft, sender: User, agency: Agency, recipients: list[User],
          person: User | None = None) -> ContactRequest:
    tool = published_tool(draft.tool)
    if draft.tool and tool is None:
        raise SendingRefused(_("Choose the related tool from the list, or leave it empty."), "tool")
    lock_sender(sender)
    if sent_in_last_day(sender) >= daily_limit():
        db.session.rollback()
        raise SendingRefused(ngettext(
            "You have sent %(num)s request in the last 24 hours, the most allowed. Your text is kept below: send it "
            "later, or ask a colleague to send it.",
            "You have sent %(num)s requests in the last 24 hours, the most allowed. Your text is kept below: send it "
            "later, or ask a colleague to send it.", daily_limit()))
    now = clock.now()
    request = ContactRequest(
        sender_id=sender.id, sender_agency_id=sender.agency_id, recipient_agency_id=agency.id,
        recipient_id=person.id if person else None, kind=draft.kind,
        subject=draft.subject.strip(), message=draft.message.strip(), urgency=draft.urgency,
        handling_code=draft.handling_code,
        handling_conditions=draft.handling_conditions.strip() if draft.handling_code == "H3" else "",
        languages=list(dict.fromkeys(draft.languages)), tool_id=tool.id if tool else None, state="submitted",
        created_at=now, updated_at=now, due_at=now + timedelta(hours=answer_hours(draft.urgency)))
    db.session.add(request)
    db.session.flush()
    to = f"user:{person.id} of {agency.slug}" if person else agency.slug  # never an address: the audit log is read
    history.record("contact.submit", request, sender,
                   detail=f"to {to}; {draft.kind}, {draft.urgency}, {draft.handling_code}")
    mails = notify.announce(request, "submitted", sender, recipients)
    db.session.commit()
    notify.deliver(mails)
    return request
