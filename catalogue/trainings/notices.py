"""E-mails about trainings. Sent after the change is committed, so a rollback never announces anything."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from catalogue import mail, times
from catalogue.mail import absolute_url
from catalogue.models import Enrolment, Training


def where_text(training: Training) -> str:
    if training.format == "online":
        return _("Online")
    return training.location.strip()


def _context(training: Training) -> dict:
    """The e-mail writes the training's times itself (``when_text`` and ``reader_when_text``), in the recipient's
    language and with the recipient's own time when their zone differs from the training's."""
    return {"training": training, "where": where_text(training),
            "link": absolute_url("trainings.detail", slug=training.slug)}


def seat_offered(enrolment: Enrolment) -> None:
    """Tell a member from the waiting list that a seat is now theirs."""
    training = enrolment.training
    mail.send(enrolment.user.email, _l("You have a seat: %(title)s", title=training.title), "training_seat",
              locale=mail.language_of(enrolment.user), zone=times.zone_of(enrolment.user), user=enrolment.user,
              **_context(training))


def training_cancelled(training: Training, enrolments: list[Enrolment], message: str) -> None:
    """Tell everyone enrolled or waiting that the training will not take place."""
    if not enrolments:
        return
    context = _context(training)
    for enrolment in enrolments:
        mail.send(enrolment.user.email, _l("Cancelled: %(title)s", title=training.title), "training_cancelled",
                  locale=mail.language_of(enrolment.user), zone=times.zone_of(enrolment.user), user=enrolment.user,
                  waitlisted=enrolment.status == "waitlisted", message=message, **context)
