from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from catalogue.accounts.services import agencies_for_registration, agency_by_slug
from catalogue.admin import audit_log, forms, services
from catalogue.models import AuditEvent
from catalogue.policy import requires

blueprint = Blueprint("admin", __name__, url_prefix="/admin")

PER_PAGE = 50


@blueprint.get("/")
@requires("users.vet")
def index():
    return redirect(url_for("admin.vetting"))


@blueprint.get("/vetting")
@requires("users.vet")
def vetting():
    return render_template("admin/vetting.html", applicants=services.vetting_queue(),
                           unverified=services.unverified_count(), approve_form=forms.ApproveForm(),
                           reject_form=forms.RejectForm())


@blueprint.post("/vetting/<int:user_id>/approve")
@requires("users.vet")
def approve(user_id: int):
    user = services.get_applicant(user_id)
    form = forms.ApproveForm()
    if form.validate_on_submit():
        services.approve(user, point_of_contact=form.point_of_contact.data)
        if user.role == "provider":
            flash(_("%(name)s is now a technology provider for %(organisation)s. They have been told by e-mail.",
                    name=user.name, organisation=user.organisation), "success")
        else:
            flash(_("%(name)s is now a member. They have been told by e-mail.", name=user.name), "success")
    return redirect(url_for("admin.vetting"), 303)


@blueprint.route("/vetting/<int:user_id>/reject", methods=["GET", "POST"])
@requires("users.vet")
def reject(user_id: int):
    user = services.get_applicant(user_id)
    form = forms.RejectForm()
    if form.validate_on_submit():
        services.reject(user, form.reason.data)
        flash(_("The application of %(name)s was rejected. They have been told by e-mail.", name=user.name),
              "success")
        return redirect(url_for("admin.vetting"), 303)
    return render_template("admin/reject.html", user=user, form=form), 400 if form.errors else 200


@blueprint.get("/users")
@requires("users.manage")
def users():
    agencies = agencies_for_registration()
    form = forms.UserFilterForm(agencies, request.args)
    valid = form.validate()
    filters = services.UserFilters(**{name: form[name].data or "" for name in ("q", "role", "status", "agency")}) \
        if valid else services.UserFilters()
    pagination = services.list_users(filters, page=max(form.page.data or 1, 1) if valid else 1, per_page=PER_PAGE)
    return render_template("admin/users.html", form=form, pagination=pagination)


@blueprint.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires("users.manage")
def user(user_id: int):
    person = services.get_user(user_id)
    agencies = agencies_for_registration()
    form = forms.UserForm(agencies, data={"role": person.role if person.role != "pending" else "member",
                                          "point_of_contact": person.point_of_contact,
                                          "agency": person.agency.slug if person.agency else ""})
    if form.validate_on_submit():
        try:
            services.change_role(person, form.role.data, form.point_of_contact.data,
                                 agency_by_slug(form.agency.data))
        except services.RefusedChange as refusal:
            flash(str(refusal), "error")
        else:
            flash(_("The changes to %(name)s were saved.", name=person.name), "success")
        return redirect(url_for("admin.user", user_id=person.id), 303)
    return render_template("admin/user.html", person=person, form=form, deactivate_form=forms.DeactivateForm(),
                           warnings=services.warnings_for(person))


@blueprint.post("/users/<int:user_id>/deactivate")
@requires("users.manage")
def deactivate(user_id: int):
    person = services.get_user(user_id)
    form = forms.DeactivateForm()
    if not form.validate_on_submit():
        flash(_("Give a reason for deactivating this account."), "error")
    else:
        try:
            services.deactivate(person, form.reason.data)
        except services.RefusedChange as refusal:
            flash(str(refusal), "error")
        else:
            flash(_("%(name)s can no longer sign in, and has been signed out everywhere.", name=person.name),
                  "success")
    return redirect(url_for("admin.user", user_id=person.id), 303)


@blueprint.post("/users/<int:user_id>/reactivate")
@requires("users.manage")
def reactivate(user_id: int):
    person = services.get_user(user_id)
    services.reactivate(person)  # CSRFProtect has checked the token before the view runs
    flash(_("%(name)s can sign in again.", name=person.name), "success")
    return redirect(url_for("admin.user", user_id=person.id), 303)


@blueprint.post("/users/<int:user_id>/reset-mfa")
@requires("users.manage")
def reset_mfa(user_id: int):
    person = services.get_user(user_id)
    services.reset_second_factor(person)
    flash(_("Two-step sign-in of %(name)s was reset; they set it up again at their next sign-in.", name=person.name),
          "success")
    return redirect(url_for("admin.user", user_id=person.id), 303)


@blueprint.get("/agencies")
@requires("agencies.manage")
def agencies():
    return render_template("admin/agencies.html", rows=services.agencies_with_counts())


@blueprint.route("/agencies/new", methods=["GET", "POST"])
@requires("agencies.manage")
def new_agency():
    return edit_agency_form(None)


@blueprint.route("/agencies/<int:agency_id>", methods=["GET", "POST"])
@requires("agencies.manage")
def edit_agency(agency_id: int):
    return edit_agency_form(services.get_agency(agency_id))


def agency_data(agency) -> dict | None:
    if agency is None:
        return None
    return {"name": agency.name, "country": agency.country, "kind": agency.kind,
            "domains": " ".join(agency.domains or []), "description": agency.description,
            "specialisms": agency.specialisms or [], "languages": agency.languages or []}


def edit_agency_form(agency):
    form = forms.AgencyForm(data=agency_data(agency))
    if form.validate_on_submit():
        details = services.AgencyDetails(name=form.name.data, country=form.country.data, kind=form.kind.data,
                                         domains=services.parse_domains(form.domains.data),
                                         description=form.description.data or "",
                                         specialisms=form.specialisms.data or [], languages=form.languages.data or [])
        saved = services.save_agency(details, agency)
        flash(_("%(name)s was saved.", name=saved.name), "success")
        return redirect(url_for("admin.agencies"), 303)
    return render_agency_form(agency, form, status=400 if form.errors else 200)


def render_agency_form(agency, form=None, status: int = 200, unit_forms=None, new_unit=None):
    """The agency's form and, for an existing agency, a small form per unit; a failed form keeps its input."""
    if form is None:
        form = forms.AgencyForm(formdata=None, data=agency_data(agency))
    units = {}
    if agency is not None:
        units = {unit.id: forms.UnitForm(formdata=None, prefix=f"unit-{unit.id}",
                                         data={"name": unit.name, "description": unit.description})
                 for unit in agency.units}
        units.update(unit_forms or {})
        new_unit = new_unit or forms.UnitForm(formdata=None, prefix="new-unit")
    return render_template("admin/agency_form.html", form=form, agency=agency, unit_forms=units,
                           new_unit=new_unit), status


@blueprint.post("/agencies/<int:agency_id>/units")
@requires("agencies.manage")
def add_unit(agency_id: int):
    agency = services.get_agency(agency_id)
    form = forms.UnitForm(prefix="new-unit")
    if not form.validate_on_submit():
        return render_agency_form(agency, status=400, new_unit=form)
    unit = services.add_unit(agency, form.name.data, form.description.data)
    flash(_("The unit %(name)s was added.", name=unit.name), "success")
    return redirect(url_for("admin.edit_agency", agency_id=agency.id, _anchor="units"), 303)


@blueprint.post("/agencies/<int:agency_id>/units/<int:unit_id>")
@requires("agencies.manage")
def update_unit(agency_id: int, unit_id: int):
    agency = services.get_agency(agency_id)
    unit = services.get_unit(agency, unit_id)
    form = forms.UnitForm(prefix=f"unit-{unit.id}")
    if not form.validate_on_submit():
        return render_agency_form(agency, status=400, unit_forms={unit.id: form})
    services.update_unit(unit, form.name.data, form.description.data)
    flash(_("The unit %(name)s was saved.", name=unit.name), "success")
    return redirect(url_for("admin.edit_agency", agency_id=agency.id, _anchor="units"), 303)


@blueprint.post("/agencies/<int:agency_id>/units/<int:unit_id>/remove")
@requires("agencies.manage")
def remove_unit(agency_id: int, unit_id: int):
    agency = services.get_agency(agency_id)
    unit = services.get_unit(agency, unit_id)
    name = unit.name
    services.remove_unit(unit)  # CSRFProtect has checked the token before the view runs
    flash(_("The unit %(name)s was removed.", name=name), "success")
    return redirect(url_for("admin.edit_agency", agency_id=agency.id, _anchor="units"), 303)


@blueprint.get("/audit")
@requires("audit.view")
def audit():
    form, filters = audit_filters()
    pagination = audit_log.page(filters, max(form.page.data or 1, 1) if not form.errors else 1)
    return render_template("admin/audit.html", form=form, pagination=pagination)


@blueprint.get("/audit.csv")
@requires("audit.view")
def audit_csv():
    _form, filters = audit_filters()
    return Response(audit_log.as_csv(filters), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'})


def audit_filters():
    form = forms.AuditFilterForm(audit_log.known_values(AuditEvent.action), audit_log.known_values(AuditEvent.outcome),
                                 request.args)
    if not form.validate():
        return form, audit_log.AuditFilters()
    return form, audit_log.AuditFilters(action=form.action.data or "", actor=form.actor.data or "",
                                        outcome=form.outcome.data or "", since=form.since.data,
                                        until=form.until.data)
