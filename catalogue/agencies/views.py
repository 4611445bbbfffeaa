"""The agency directory, agency pages, and recording the tools an agency uses (members only)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from catalogue import times
from catalogue.agencies import forms, services, usage
from catalogue.agencies.labels import REGIONS, SPECIALISMS
from catalogue.agencies.links import request_link
from catalogue.agencies.map import coverage_map
from catalogue.agencies.regions import region_label, region_of
from catalogue.models.contact import NOTE_MAX
from catalogue.policy import me, requires

blueprint = Blueprint("agencies", __name__, url_prefix="/agencies")


@blueprint.app_context_processor
def directory_helpers():
    """Shared with the tool page, which lists the agencies that use a tool."""
    return {"request_link": request_link, "region_labels": REGIONS, "specialism_labels": SPECIALISMS,
            "note_limit": NOTE_MAX}


@blueprint.app_template_filter("region_name")
def region_name(country: str | None) -> str:
    """The name of the region a country code belongs to."""
    return region_label(region_of(country))


blueprint.add_app_template_filter(times.clock, "local_clock")


@blueprint.get("/")
@requires("agencies.view")
def directory():
    form = forms.directory_form(request.args, services.filter_options())
    form.validate()
    found = services.directory(form.filters(), form.page_number(), current_app.config["PAGE_SIZE"])
    invalid = any(form[name].errors for name in ("q", *forms.FILTERS))
    return render_template("agencies/directory.html", form=form, found=found, filters=form.filters(),
                           map=coverage_map(found.regions)), 400 if invalid else 200


@blueprint.get("/<slug>")
@requires("agencies.view")
def agency(slug: str):
    return render_agency(services.agency_page(slug, current_user))


def render_agency(page, status: int = 200, add_form=None, note_forms=None):
    """The agency page; a form that failed is passed in so that its input and errors are shown."""
    if page.may_manage and add_form is None:
        add_form = forms.UsageForm(formdata=None, listed=page.usages)
    notes = {u.id: forms.NoteForm(formdata=None, prefix=f"usage-{u.id}", data={"note": u.note})
             for u in page.usages} if page.may_manage else {}
    notes.update(note_forms or {})
    return render_template("agencies/agency.html", page=page, add_form=add_form, note_forms=notes), status


@blueprint.post("/<slug>/tools")
@requires("tools.usage")
def add_usage(slug: str):
    agency = usage.managed_agency(slug, me())
    form = forms.UsageForm(listed=services.published_usages(agency))
    if form.validate_on_submit():
        try:
            added = usage.add_usage(agency, form.tool.data, form.note.data, me())
        except usage.UsageRefused as refusal:
            form.tool.errors = [*form.tool.errors, str(refusal)]
        else:
            flash(_("%(tool)s was added to the tools %(agency)s uses.", tool=added.tool.name, agency=agency.name),
                  "success")
            return redirect(url_for("agencies.agency", slug=agency.slug, _anchor="tools"), 303)
    return render_agency(services.agency_page(slug, current_user), 400, add_form=form)


@blueprint.post("/<slug>/tools/<int:usage_id>")
@requires("tools.usage")
def update_usage(slug: str, usage_id: int):
    agency = usage.managed_agency(slug, me())
    used = usage.usage_of(agency, usage_id)
    form = forms.NoteForm(prefix=f"usage-{used.id}")
    if form.validate_on_submit():
        if usage.update_note(used, form.note.data):
            flash(_("The note on %(tool)s was saved.", tool=used.tool.name), "success")
        return redirect(url_for("agencies.agency", slug=agency.slug, _anchor=f"usage-{used.id}"), 303)
    return render_agency(services.agency_page(slug, current_user), 400, note_forms={used.id: form})


@blueprint.post("/<slug>/tools/<int:usage_id>/remove")
@requires("tools.usage")
def remove_usage(slug: str, usage_id: int):
    agency = usage.managed_agency(slug, me())
    used = usage.usage_of(agency, usage_id)
    name = used.tool.name
    usage.remove_usage(used)  # CSRFProtect has checked the token before the view runs
    flash(_("%(tool)s was removed from the tools %(agency)s uses.", tool=name, agency=agency.name), "success")
    return redirect(url_for("agencies.agency", slug=agency.slug, _anchor="tools"), 303)
