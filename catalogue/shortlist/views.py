from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from catalogue.policy import requires
from catalogue.redirects import safe_target
from catalogue.shortlist import services

blueprint = Blueprint("shortlist", __name__, url_prefix="/shortlist")


def safe_next(default: str) -> str:
    return safe_target(request.form.get("next"), default)


@blueprint.get("/")
@requires("catalogue.view")
def index():
    return render_template("shortlist/index.html", tools=services.shortlisted_tools(), limit=services.LIMIT)


@blueprint.post("/add")
@requires("catalogue.view")
def add():
    slug = request.form.get("tool", "")
    try:
        tool = services.add(slug)
    except services.ShortlistFull:
        flash(ngettext("Your shortlist is full (%(num)s tool). Remove a tool first.",
                       "Your shortlist is full (%(num)s tools). Remove a tool first.", services.LIMIT), "error")
    else:
        if tool is None:
            flash(_("That tool is not in the catalogue."), "error")
        else:
            flash(_("%(name)s was added to your shortlist.", name=tool.name), "success")
    return redirect(safe_next(url_for("shortlist.index")), 303)


@blueprint.post("/remove")
@requires("catalogue.view")
def remove():
    services.remove(request.form.get("tool", ""))
    flash(_("The tool was removed from your shortlist."), "success")
    return redirect(safe_next(url_for("shortlist.index")), 303)


@blueprint.post("/clear")
@requires("catalogue.view")
def clear():
    services.clear()
    flash(_("Your shortlist is empty now."), "success")
    return redirect(url_for("shortlist.index"), 303)


@blueprint.get("/shortlist.csv")
@requires("catalogue.view")
def export_csv():
    return Response(services.as_csv(), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="shortlist.csv"'})
