"""Contact request pages: my inbox, a new request, one request with its thread and actions, my notifications."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from catalogue import clock
from catalogue.contact import forms as f
from catalogue.contact import inbox, lifecycle, notify, overdue, page, sending
from catalogue.contact.labels import (
    EVENT_LABELS,
    HANDLING_LABELS,
    HANDLING_MEANINGS,
    HISTORY_LABELS,
    KIND_LABELS,
    STATE_LABELS,
    URGENCY_LABELS,
)
from catalogue.contact.visibility import may_use
from catalogue.paging import page_number
from catalogue.policy import me, requires
from catalogue.rows import whole_number

blueprint = Blueprint("contact", __name__, url_prefix="/contact", cli_group="contact")


@blueprint.app_context_processor
def contact_helpers():
    return {"contact_unread": unread_for_header}


@blueprint.context_processor
def contact_labels():
    return {"kind_labels": KIND_LABELS, "urgency_labels": URGENCY_LABELS, "handling_labels": HANDLING_LABELS,
            "handling_meanings": HANDLING_MEANINGS, "request_state_labels": STATE_LABELS,
            "event_labels": EVENT_LABELS, "history_labels": HISTORY_LABELS}


def unread_for_header() -> int:
    """The header's badge; called by ``base.html`` only for members: one COUNT per page at most."""
    if not current_user.is_authenticated or not may_use(current_user):
        return 0
    if "contact_unread" not in g:
        g.contact_unread = notify.unread_count(me())
    return g.contact_unread


@blueprint.get("/", endpoint="inbox")
@requires("contact.use")
def inbox_page():
    user = me()
    filters = inbox.Filters.from_args(request.args, user)
    found = inbox.listing(user, filters, page_number(), current_app.config["PAGE_SIZE"])
    return render_template("contact/inbox.html", listing=found, filters=filters, counts=inbox.counts(user),
                           boxes=inbox.boxes_for(user), form=f.filter_form(request.args),
                           unread_ids=notify.unread_request_ids(user), now=clock.now())


def attached_files() -> bool:
    return any(upload.filename for upload in request.files.values())


@blueprint.route("/new", methods=["GET", "POST"])
@requires("contact.use")
def new_request():
    user = me()
    form = f.request_form(sending.recipient_choices(user), sending.tool_choices(), sending.language_choices(user))
    if request.method == "GET":
        f.prefill(form, request.args, user.languages)
        unavailable = bool(request.args.get("agency")) and form.agency.data != request.args["agency"]
        return render_template("contact/new.html", form=form, unavailable=unavailable)
    if attached_files():
        form.validate()
        form.form_errors.append(_("Attachments are not accepted: nothing was sent. Describe what you need in the "
                                  "message instead; the receiving agency will tell you how to share files "
                                  "through its own secure channels."))
    elif form.validate():
        try:
            sent = sending.send_request(form.draft(), user)
        except sending.SendingRefused as refused:
            (form[refused.field].errors if refused.field else form.form_errors).append(refused.message)
        else:
            flash(_("Your request has been sent as number %(number)s. The agency's points of contact have been "
                    "told.", number=sent.id), "success")
            return redirect(url_for("contact.request", request_id=sent.id), 303)
    return render_template("contact/new.html", form=form, unavailable=False), 400


def action_forms(state: str) -> dict:
    return {"state": f.StateForm(formdata=None, state=state), "decline": f.DeclineForm(formdata=None, state=state),
            "message": f.MessageForm(formdata=None, state=state), "assign": f.AssignForm(formdata=None, state=state)}


def render_request(shown: page.RequestPage, status: int = 200, notice: str = "", **posted):
    forms = action_forms(shown.request.state)
    for name, form in posted.items():
        form.state.data = shown.request.state  # act on what the page now shows
        forms[name] = form
    forms["assign"].assignee.choices = [("", _("Choose a colleague"))] + [
        (str(person.id), person.name) for person in shown.assignable]
    return render_template("contact/request.html", page=shown, forms=forms, notice=notice), status


@blueprint.get("/requests/<int:request_id>", endpoint="request")
@requires("contact.use")
def request_page(request_id: int):
    return render_request(page.open_request(request_id, me()))


DONE = {
    "acknowledge": lambda: _("You acknowledged the request. The sender has been told."),
    "accept": lambda: _("You accepted the request. The sender has been told."),
    "decline": lambda: _("You declined the request. The sender has been told, with your reason."),
    "close": lambda: _("The request is closed. The other side has been told."),
    "assign": lambda: _("The request is assigned. Your colleague and the sender have been told."),
    "message": lambda: _("Your message has been added to the thread. The others have been told."),
}


def act(request_id: int, action: str, form: f.StateForm, form_name: str = "state", **given):
    user = me()
    try:
        lifecycle.perform(request_id, user, action, lifecycle.Input(f.seen_state(form), **given))
    except lifecycle.Refused as refused:
        if refused.field:
            form[refused.field].errors = [refused.message]
        shown = page.request_page(request_id, user)
        notice = "" if refused.field else refused.message
        return render_request(shown, refused.status, notice, **{form_name: form})
    flash(DONE[action](), "success")
    return redirect(url_for("contact.request", request_id=request_id), 303)


@blueprint.post("/requests/<int:request_id>/acknowledge")
@requires("contact.use")
def acknowledge(request_id: int):
    return act(request_id, "acknowledge", f.StateForm())


@blueprint.post("/requests/<int:request_id>/accept")
@requires("contact.use")
def accept(request_id: int):
    return act(request_id, "accept", f.StateForm())


@blueprint.post("/requests/<int:request_id>/decline")
@requires("contact.use")
def decline(request_id: int):
    form = f.DeclineForm()
    return act(request_id, "decline", form, "decline", reason=form.reason.data or "")


@blueprint.post("/requests/<int:request_id>/close")
@requires("contact.use")
def close(request_id: int):
    return act(request_id, "close", f.StateForm())


@blueprint.post("/requests/<int:request_id>/assign")
@requires("contact.use")
def assign(request_id: int):
    form = f.AssignForm()
    chosen = request.form.get("assignee", "")
    return act(request_id, "assign", form, "assign",
               assignee_id=whole_number(chosen, low=1))


@blueprint.post("/requests/<int:request_id>/messages")
@requires("contact.use")
def message(request_id: int):
    form = f.MessageForm()
    return act(request_id, "message", form, "message", body=form.body.data or "")


@blueprint.get("/notifications")
@requires("contact.use")
def notifications():
    user = me()
    found = notify.my_notifications(user, page_number(), current_app.config["PAGE_SIZE"])
    return render_template("contact/notifications.html", listing=found, form=f.StateForm(),
                           unread=notify.unread_count(user))


@blueprint.post("/notifications/read")
@requires("contact.use")
def mark_all_read():
    changed = notify.mark_all_read(me())
    flash(_("All notifications are marked as read.") if changed else _("There were no unread notifications."),
          "success")
    return redirect(url_for("contact.notifications"), 303)


@blueprint.cli.command("overdue")
def overdue_command() -> None:
    """Tell both sides about requests past their answer time without acknowledgement (once each; run from cron)."""
    import click

    notified = overdue.notify_overdue()
    click.echo(f"Overdue requests notified: {len(notified)}" + (f" (numbers {', '.join(map(str, notified))})"
                                                                  if notified else ""))
