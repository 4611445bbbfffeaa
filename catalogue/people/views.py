"""The people directory, officer profiles, my own profile and introduction requests (members only)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from catalogue.agencies.forms import published_tool_choices
from catalogue.contact import sending
from catalogue.contact.forms import prefill
from catalogue.contact.labels import HANDLING_MEANINGS
from catalogue.people import forms, services
from catalogue.policy import me, requires

blueprint = Blueprint("people", __name__, url_prefix="/people")


@blueprint.app_context_processor
def people_helpers():
    """The tool page asks for the officers who know a tool; profiles are for members only."""
    return {"officers_for_tool": lambda tool: services.officers_for_tool(tool, current_user),
            "may_introduce": services.may_introduce}


def tool_label(slug: str) -> str | None:
    return services.published_tool_name(slug)


@blueprint.get("/")
@requires("people.view")
def directory():
    form = forms.people_form(request.args, services.filter_options(), tool_label)
    form.validate()
    found = services.directory(form.filters(), form.page_number(), current_app.config["PAGE_SIZE"])
    invalid = any(form[name].errors for name in (*forms.FILTERS, "page"))
    return render_template("people/directory.html", form=form, found=found, filters=form.filters()), \
        400 if invalid else 200


@blueprint.get("/<int:user_id>")
@requires("people.view")
def profile(user_id: int):
    shown = services.profile_of(user_id, me())
    return render_template("people/profile.html", profile=shown, introduce=services.may_introduce(shown, me()))


@blueprint.route("/me", methods=["GET", "POST"])
@requires("people.profile")
def my_profile():
    user = me()
    saved = services.my_profile(user)
    data = {"role": user.position or ""} if saved is None else {
        "published": saved.published, "accepts_introductions": saved.accepts_introductions, "role": saved.role,
        "specialisms": saved.specialisms or [], "tools": [tool.slug for tool in saved.tools],
        **{f"show_{name}": saved.shows(name) for name in forms.PROFILE_FIELDS}}
    form = forms.profile_form(published_tool_choices(), data=data)
    if form.validate_on_submit():
        services.save_profile(user, form.given())
        flash(_("Your profile was saved. Other members can see it now.") if form.published.data else
              _("Your profile was saved. It is not published: nobody else can see it."), "success")
        return redirect(url_for("people.my_profile"), 303)
    return render_template("people/edit.html", form=form, listed=services.listed(user), saved=saved), \
        400 if form.errors else 200


def attached_files() -> bool:
    return any(upload.filename for upload in request.files.values())


@blueprint.route("/<int:user_id>/introduce", methods=["GET", "POST"])
@requires("contact.use")
def introduce(user_id: int):
    user = me()
    shown, _person = services.introduction_target(user_id, user)
    form = forms.introduction_form(sending.tool_choices(), sending.language_choices(user))
    context = {"profile": shown, "handling_meanings": HANDLING_MEANINGS, "allowed": services.may_introduce(shown, user)}
    if request.method == "GET":
        prefill(form, request.args, user.languages)
        return render_template("people/introduce.html", form=form, **context)
    if attached_files():
        form.validate()
        form.form_errors.append(_("Attachments are not accepted: nothing was sent. Describe what you need in the "
                                  "message instead; the receiving agency will tell you how to share files "
                                  "through its own secure channels."))
    elif form.validate():
        try:
            sent = services.send_introduction(user_id, form.draft(), user)
        except sending.SendingRefused as refused:
            (form[refused.field].errors if refused.field else form.form_errors).append(refused.message)
        else:
            flash(_("Your introduction request has been sent as number %(number)s. %(name)s has been told; your "
                    "e-mail addresses are exchanged if they accept.", number=sent.id, name=shown.name), "success")
            return redirect(url_for("contact.request", request_id=sent.id), 303)
    return render_template("people/introduce.html", form=form, **context), 400
