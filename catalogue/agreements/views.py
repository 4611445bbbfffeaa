"""The terms of engagement and the data-protection notice as pages, and the page that asks a signed-in person to
accept their current versions before anything else."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField

from catalogue.agreements import documents
from catalogue.policy import me, requires
from catalogue.redirects import safe_target

blueprint = Blueprint("agreements", __name__)

#: What a person who has not accepted the current versions may still open: the documents themselves, signing out,
#: enrolling the second factor their role needs (``account.send_to_mfa_enrolment`` sends them there first) and the
#: language switcher.
ALLOWED_BEFORE_ACCEPTANCE = frozenset({
    "agreements.accept", "agreements.provider_terms", "agreements.data_protection", "pages.terms",
    "account.sign_out", "account.mfa_setup", "languages.choose", "static",
})


@blueprint.before_app_request
def ask_for_acceptance():
    """Every signed-in page waits until the person accepted what applies to them. The JSON API (token clients, no
    pages to show) is not gated here."""
    endpoint = request.endpoint or ""
    if (current_user.is_authenticated and endpoint not in ALLOWED_BEFORE_ACCEPTANCE
            and not endpoint.startswith("api.") and documents.outstanding(current_user)):
        target = request.full_path.rstrip("?") if request.method == "GET" else None
        return redirect(url_for("agreements.accept", next=target))
    return None


@blueprint.get("/terms/providers")
@requires("site.view")
def provider_terms():
    return _document_page(documents.PROVIDER_TERMS)


@blueprint.get("/data-protection")
@requires("site.view")
def data_protection():
    return _document_page(documents.DATA_PROTECTION)


def _document_page(document: documents.Document):
    return render_template("agreements/document.html", document=document, text=documents.text(document),
                           version=documents.version(document))


class AcceptForm(FlaskForm):
    pass


def acceptance_form(pending: list[documents.Document]) -> type[AcceptForm]:
    class Form(AcceptForm):
        pass

    for document in pending:
        setattr(Form, document.key.replace("-", "_"), BooleanField(document.consent))
    return Form


@blueprint.route("/account/agreements", methods=["GET", "POST"])
@requires("account.manage")
def accept():
    user = me()
    pending = documents.outstanding(user)
    target = safe_target(request.values.get("next"), url_for("pages.home"))
    if not pending:
        return redirect(target)
    form = acceptance_form(pending)()
    if form.validate_on_submit():
        missing = [document for document in pending if not form[document.key.replace("-", "_")].data]
        for document in missing:
            form[document.key.replace("-", "_")].errors.append(
                _("Tick this box to go on: the site can only be used by people who accept it."))
        if not missing:
            documents.accept(user, pending)
            flash(_("Thank you. You can use the site now."), "success")
            return redirect(target, 303)
    status = 400 if form.errors or any(form[d.key.replace("-", "_")].errors for d in pending) else 200
    return render_template("agreements/accept.html", form=form, pending=[
        (document, form[document.key.replace("-", "_")], documents.text(document), documents.version(document),
         documents.acceptance_of(user, document)) for document in pending], next=request.values.get("next") or ""), \
        status
