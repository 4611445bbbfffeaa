from __future__ import annotations

import math

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from catalogue import policy
from catalogue.accounts import access_tokens, forms, mfa, services, sessions, tokens
from catalogue.accounts.services import Application
from catalogue.extensions import limiter
from catalogue.models.base import utcnow
from catalogue.policy import me, requires
from catalogue.redirects import safe_target

blueprint = Blueprint("account", __name__, url_prefix="/account")

ALLOWED_BEFORE_ENROLMENT = frozenset({"account.mfa_setup", "account.sign_out", "static", "pages.terms"})


def sign_in_limit() -> str:
    return current_app.config["RATELIMIT_SIGN_IN"]


def account_forms_limit() -> str:
    return current_app.config["RATELIMIT_ACCOUNT_FORMS"]


@blueprint.before_app_request
def send_to_mfa_enrolment():
    """Curators and administrators enrol a second factor before anything else."""
    if current_user.is_authenticated and policy.needs_mfa_enrolment() and request.endpoint not in (
        ALLOWED_BEFORE_ENROLMENT
    ):
        flash(_("Your role needs two-step sign-in. Set it up now to continue."), "info")
        return redirect(url_for("account.mfa_setup"))
    return None


def next_target() -> str:
    return safe_target(request.values.get("next"), url_for("pages.home"))


def retry_response(template: str, retry_at, **context):
    seconds = max(1, math.ceil((retry_at - utcnow()).total_seconds()))
    message = ngettext("Too many failed attempts. Try again in %(num)s minute (after %(time)s UTC).",
                       "Too many failed attempts. Try again in %(num)s minutes (after %(time)s UTC).",
                       max(1, math.ceil(seconds / 60)), time=format_datetime(retry_at, "HH:mm"))
    return render_template(template, locked_message=message, **context), 429, {"Retry-After": str(seconds)}


@blueprint.route("/sign-in", methods=["GET", "POST"])
@requires("site.view")
@limiter.limit(sign_in_limit, methods=["POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(next_target())
    form = forms.SignInForm()
    if form.validate_on_submit():
        result = services.sign_in(form.email.data, form.password.data)
        if result.outcome == "signed_in":
            return redirect(next_target(), 303)
        if result.outcome == "needs_code":
            return redirect(url_for("account.sign_in_code", next=request.values.get("next")), 303)
        if result.outcome == "locked":
            return retry_response("account/sign_in.html", result.retry_at, form=form)
        if result.outcome == "deactivated":
            form.form_errors.append(_("This account is not active. Contact an administrator if you think this is "
                                      "a mistake."))
        else:
            form.form_errors.append(_("The e-mail address or password is not right."))
    return render_template("account/sign_in.html", form=form)


@blueprint.route("/sign-in/code", methods=["GET", "POST"])
@requires("site.view")
@limiter.limit(sign_in_limit, methods=["POST"])
def sign_in_code():
    if services.user_waiting_for_code() is None:
        flash(_("Please sign in again."), "info")
        return redirect(url_for("account.sign_in"))
    form = forms.CodeForm()
    if form.validate_on_submit():
        if services.complete_sign_in(form.code.data):
            return redirect(next_target(), 303)
        if services.user_waiting_for_code() is None:
            flash(_("Too many wrong codes. Please sign in again later."), "error")
            return redirect(url_for("account.sign_in"), 303)
        form.code.errors.append(_("That code is not right, or it has already been used."))
    return render_template("account/sign_in_code.html", form=form)


@blueprint.post("/sign-out")
@requires("account.manage")
def sign_out():
    services.sign_out(me())
    flash(_("You have signed out on every device."), "success")
    return redirect(url_for("pages.home"), 303)


@blueprint.route("/register", methods=["GET", "POST"])
@requires("site.view")
@limiter.limit(account_forms_limit, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("account.index"))
    form = forms.RegistrationForm()
    if form.validate_on_submit():
        services.register(Application(
            name=form.name.data, email=form.email.data, password=form.password.data, position=form.position.data,
            justification=form.justification.data, agency=form.described_agency(),
        ))
        return redirect(url_for("account.registered"), 303)
    return render_template("account/register.html", form=form)


@blueprint.get("/register/sent")
@requires("site.view")
def registered():
    return render_template("account/registered.html")


@blueprint.route("/verify/<token>", methods=["GET", "POST"])
@requires("site.view")
def verify_email(token: str):
    """GET only shows a button: mail scanners that follow links must not use up the single-use link."""
    form = forms.EmptyForm()
    if form.validate_on_submit():
        try:
            services.verify_email(token)
        except tokens.TokenProblem as problem:
            return render_template("account/token_problem.html", reason=problem.reason, kind="verify"), 400
        flash(_("Thank you: your e-mail address is confirmed. An administrator will review your application."),
              "success")
        return redirect(url_for("account.index" if current_user.is_authenticated else "account.sign_in"), 303)
    return render_template("account/verify.html", form=form)


@blueprint.post("/verify/resend")
@requires("account.manage")
@limiter.limit(account_forms_limit)
def resend_verification():
    services.resend_verification(me())
    flash(_("We have sent a new confirmation link to %(email)s.", email=current_user.email), "success")
    return redirect(url_for("account.index"), 303)


@blueprint.route("/reset", methods=["GET", "POST"])
@requires("site.view")
@limiter.limit(account_forms_limit, methods=["POST"])
def reset_request():
    form = forms.ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        return render_template("account/reset_sent.html", minutes=current_app.config["PASSWORD_RESET_MINUTES"])
    return render_template("account/reset_request.html", form=form)


@blueprint.route("/reset/<token>", methods=["GET", "POST"])
@requires("site.view")
def reset_password(token: str):
    try:
        email, name = services.check_reset_token(token)
    except tokens.TokenProblem as problem:
        return render_template("account/token_problem.html", reason=problem.reason, kind="reset"), 400
    form = forms.ResetPasswordForm(email, name)
    if form.validate_on_submit():
        services.reset_password(token, form.password.data)
        sessions.end()
        flash(_("Your password has been changed and you have been signed out everywhere. Sign in with the new "
                "password."), "success")
        return redirect(url_for("account.sign_in"), 303)
    return render_template("account/reset_password.html", form=form)


@blueprint.get("/")
@requires("account.manage")
def index():
    return account_page()


def account_page(token_form=None) -> str:
    return render_template("account/index.html", sign_out_form=forms.EmptyForm(),
                           recovery_left=mfa.remaining_recovery_codes(current_user),
                           recovery_form=forms.ConfirmPasswordForm(prefix="recovery"),
                           disable_form=forms.ConfirmPasswordForm(prefix="disable"),
                           mfa_required=policy.mfa_required(), **token_section(token_form))


def token_section(form=None) -> dict:
    """The API tokens part of the account page, for members who may use the API."""
    if not policy.can("api.tokens"):
        return {"api_tokens": None}
    return {"api_tokens": access_tokens.of(me()), "token_form": form or forms.ApiTokenForm(prefix="token"),
            "token_state": access_tokens.state, "revoke_form": forms.EmptyForm(prefix="revoke"),
            "may_curate": access_tokens.may_curate(me())}


@blueprint.post("/tokens")
@requires("api.tokens")
@limiter.limit(account_forms_limit)
def create_token():
    """The token is shown in this answer only: never put in a flash message, which travels in the session cookie."""
    form = forms.ApiTokenForm(prefix="token")
    if not form.validate_on_submit():
        return account_page(form), 400
    issued = access_tokens.create(me(), form.name.data, form.days.data, curate=form.curate.data)
    return render_template("account/api_token.html", issued=issued)


@blueprint.post("/tokens/<int:number>/revoke")
@requires("api.tokens")
def revoke_token(number: int):
    form = forms.EmptyForm(prefix="revoke")
    if form.validate_on_submit() and access_tokens.revoke(me(), number):
        flash(_("The token was revoked: programs using it can no longer reach the catalogue."), "success")
    else:
        flash(_("That token was not found or was revoked already."), "error")
    return redirect(url_for("account.index", _anchor="api-tokens"), 303)


@blueprint.route("/contact-details", methods=["GET", "POST"])
@requires("account.manage")
def contact_details():
    user = me()
    form = forms.ContactDetailsForm(data={"languages": user.languages or [], "time_zone": user.time_zone,
                                          "office_hours": user.office_hours})
    if form.validate_on_submit():
        services.update_contact_details(user, form.languages.data or [], form.time_zone.data or "",
                                        form.office_hours.data or "")
        flash(_("Your languages, time zone and office hours were saved."), "success")
        return redirect(url_for("account.index"), 303)
    return render_template("account/contact_details.html", form=form), 400 if form.errors else 200


@blueprint.route("/password", methods=["GET", "POST"])
@requires("account.manage")
@limiter.limit(sign_in_limit, methods=["POST"])
def change_password():
    form = forms.ChangePasswordForm(current_user)
    if form.validate_on_submit():
        if services.change_password(me(), form.current.data, form.password.data):
            flash(_("Your password has been changed. Other devices have been signed out."), "success")
            return redirect(url_for("account.index"), 303)
        form.current.errors.append(_("Your current password is not right."))
    return render_template("account/change_password.html", form=form)


@blueprint.route("/mfa", methods=["GET", "POST"])
@requires("account.manage")
def mfa_setup():
    if current_user.mfa_enabled:
        return redirect(url_for("account.index"))
    form = forms.CodeForm()
    if form.validate_on_submit():
        codes = services.enrol_mfa(me(), form.code.data)
        if codes is not None:
            flash(_("Two-step sign-in is on."), "success")
            return render_template("account/recovery_codes.html", codes=codes)
        form.code.errors.append(_("That code is not right. Check the time on your phone and try the newest code."))
    secret = services.mfa_setup_secret(me())
    uri = mfa.provisioning_uri(current_user, secret)
    return render_template("account/mfa_setup.html", form=form, secret=secret, qr=mfa.qr_svg(uri),
                           required=policy.mfa_required())


@blueprint.post("/mfa/disable")
@requires("account.manage")
@limiter.limit(sign_in_limit)
def mfa_disable():
    form = forms.ConfirmPasswordForm(prefix="disable")
    if form.validate_on_submit() and services.disable_mfa(me(), form.password.data):
        flash(_("Two-step sign-in is off."), "success")
    else:
        flash(_("Your password is not right; nothing was changed."), "error")
    return redirect(url_for("account.index"), 303)


@blueprint.post("/mfa/recovery-codes")
@requires("account.manage")
@limiter.limit(sign_in_limit)
def recovery_codes():
    form = forms.ConfirmPasswordForm(prefix="recovery")
    codes = services.regenerate_recovery_codes(me(), form.password.data) if form.validate_on_submit() else None
    if codes is None:
        flash(_("Your password is not right; nothing was changed."), "error")
        return redirect(url_for("account.index"), 303)
    return render_template("account/recovery_codes.html", codes=codes)

