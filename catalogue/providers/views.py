"""The providers' pages (their organisation's entries, proposals, answers to verification requests), their
registration, and the curators' side of verification requests."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from catalogue.curation.editing import get_entry
from catalogue.curation.kinds import TOOL
from catalogue.curation.pages import curation_labels
from catalogue.extensions import limiter
from catalogue.policy import me, requires
from catalogue.providers import forms, services, verification

blueprint = Blueprint("providers", __name__)
blueprint.context_processor(curation_labels)  # the curators' pages share the curation pages' navigation


def account_forms_limit() -> str:
    return current_app.config["RATELIMIT_ACCOUNT_FORMS"]


@blueprint.route("/provider/register", methods=["GET", "POST"])
@requires("site.view")
@limiter.limit(account_forms_limit, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("account.index"))
    form = forms.ProviderRegistrationForm()
    if form.validate_on_submit():
        services.register(services.ProviderApplication(
            name=form.name.data, email=form.email.data, password=form.password.data,
            organisation=form.organisation.data, position=form.position.data,
            justification=form.justification.data))
        return redirect(url_for("account.registered"), 303)
    return render_template("providers/register.html", form=form), 400 if form.errors else 200


@blueprint.get("/provider/")
@requires("provider.work")
def home():
    user = me()
    return render_template("providers/home.html", tools=services.visible_tools(user),
                           requests=verification.for_provider(user), changes=services.changes_by(user))


@blueprint.get("/provider/tools/<int:tool_id>")
@requires("provider.work")
def tool(tool_id: int):
    return _tool_page(services.get_tool(me(), tool_id))


def _tool_page(tool, status: int = 200, answer_form=None, answering=None):
    user = me()
    requests = [request for request in verification.for_provider(user) if request.tool_id == tool.id]
    return render_template("providers/tool.html", tool=tool, requests=requests,
                           answer_form=answer_form or forms.AnswerForm(), answering=answering,
                           changes=services.changes_by(user, tool)), status


def _new_sources(form) -> list[dict]:
    return form.sources.values()


@blueprint.route("/provider/tools/<int:tool_id>/propose", methods=["GET", "POST"])
@requires("provider.work")
def propose(tool_id: int):
    user = me()
    tool = services.get_tool(user, tool_id)
    form = forms.UpdateForm()
    if not form.is_submitted():
        form = forms.UpdateForm(formdata=None, version=str(tool.version), summary=tool.summary,
                                description=tool.description, website=tool.website or "")
        form.sources.fill([])
    elif form.validate():
        try:
            services.propose_update(user, tool, services.Update(
                summary=form.summary.data, description=form.description.data or "", website=form.website.data or "",
                note=form.note.data or "", new_sources=_new_sources(form)), form.loaded_version())
        except services.Refused as refused:
            form.form_errors.append(refused.message)
        else:
            flash(_("Thank you. Your change was sent to the curators; readers see it once a curator approves it."),
                  "success")
            return redirect(url_for("providers.tool", tool_id=tool.id), 303)
    return render_template("providers/propose.html", form=form, tool=tool,
                           sources=tool.sources or []), 400 if form.is_submitted() else 200


@blueprint.route("/provider/tools/new", methods=["GET", "POST"])
@requires("provider.work")
def new_entry():
    user = me()
    form = forms.NewEntryForm()
    if not form.is_submitted():
        form.sources.fill([])
    elif form.validate():
        try:
            tool = services.propose_new(user, services.NewEntry(
                name=form.name.data, summary=form.summary.data, description=form.description.data or "",
                website=form.website.data or "", note=form.note.data or "", new_sources=_new_sources(form)))
        except services.Refused as refused:
            form.form_errors.append(refused.message)
        else:
            flash(_("Thank you. Your new entry was sent to the curators; readers see it once a curator publishes "
                    "it."), "success")
            return redirect(url_for("providers.tool", tool_id=tool.id), 303)
    return render_template("providers/propose.html", form=form, tool=None, sources=[]), \
        400 if form.is_submitted() else 200


@blueprint.post("/provider/requests/<int:request_id>/answer")
@requires("provider.work")
def answer(request_id: int):
    user = me()
    request = verification.get_for_provider(user, request_id)
    form = forms.AnswerForm()
    if form.validate_on_submit():
        try:
            verification.answer(user, request, form.confirmed.data == "yes", form.answer.data or "")
        except services.Refused as refused:
            form.form_errors.append(refused.message)
        else:
            flash(_("Thank you. A curator will look at your answer."), "success")
            return redirect(url_for("providers.tool", tool_id=request.tool_id), 303)
    return _tool_page(request.tool, 400, answer_form=form, answering=request.id)


# The curators' side ------------------------------------------------------------------------------------------------

@blueprint.get("/curation/verification")
@requires("tools.curate")
def requests():
    return render_template("providers/requests.html", answered=verification.answered(),
                           unanswered=verification.unanswered(), decide_form=forms.DecideForm())


@blueprint.route("/curation/verification/ask/<int:tool_id>", methods=["GET", "POST"])
@requires("tools.curate")
def ask(tool_id: int):
    tool = get_entry(TOOL, tool_id)
    form = forms.AskForm()
    if form.validate_on_submit():
        try:
            verification.ask(tool, me(), form.question.data)
        except services.Refused as refused:
            form.form_errors.append(refused.message)
        else:
            flash(_("The request was sent to the providers of %(organisation)s.", organisation=tool.organisation),
                  "success")
            return redirect(url_for("providers.requests"), 303)
    return render_template("providers/ask.html", form=form, tool=tool, providers=verification.providers_of(
        tool.organisation), current=verification.open_for(tool), history=verification.for_tool(tool)), \
        400 if form.is_submitted() else 200


def _decide(request_id: int, action, done: str):
    request = verification.get_request(request_id)
    form = forms.DecideForm()
    if form.validate_on_submit():
        try:
            action(request, me())
        except services.Refused as refused:
            flash(refused.message, "error")
        else:
            flash(done, "success")
    return redirect(url_for("providers.requests"), 303)


@blueprint.post("/curation/verification/<int:request_id>/accept")
@requires("tools.review")
def accept(request_id: int):
    return _decide(request_id, verification.accept,
                   _("Accepted: the entry is re-verified today, with the provider's answer as its source."))


@blueprint.post("/curation/verification/<int:request_id>/close")
@requires("tools.curate")
def close(request_id: int):
    return _decide(request_id, verification.close, _("The request is closed; the entry's verification is unchanged."))


@blueprint.cli.command("remind")
def remind_command() -> None:
    """Remind providers of verification requests left unanswered for PROVIDER_REMINDER_DAYS (run it daily from cron)."""
    import click

    click.echo(f"Verification requests reminded: {verification.remind()}")
