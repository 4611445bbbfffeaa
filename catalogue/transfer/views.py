"""Import and export pages: upload, dry-run report, apply or discard; downloads of the catalogue or a search."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from catalogue.interchange.problems import InterchangeError
from catalogue.policy import me, requires
from catalogue.search.query import QueryError
from catalogue.tools.forms import parse_search
from catalogue.transfer import forms, services

blueprint = Blueprint("transfer", __name__, url_prefix="/admin/transfer")


@blueprint.route("/import", methods=["GET", "POST"])
@requires("catalogue.transfer")
def start_import():
    form = forms.ImportForm()
    if not form.validate_on_submit():
        return render_template("transfer/import.html", form=form), 400 if form.errors else 200
    sent = form.file.data
    try:
        upload = services.read_upload(sent.read(), sent.filename or "")
        report = services.dry_run(upload)
    except InterchangeError as error:
        return render_template("transfer/report.html", name=sent.filename, error=error), 400
    token = services.keep(upload) if report.created or report.updated else None
    return render_template("transfer/report.html", name=upload.name, report=report, token=token)


@blueprint.post("/import/apply")
@requires("catalogue.transfer")
def apply_import():
    form = forms.KeptImportForm()
    try:
        upload = services.kept_upload(form.token.data if form.validate_on_submit() else "")
    except services.UploadGone as gone:
        flash(str(gone), "error")
        return redirect(url_for("transfer.start_import"), 303)
    try:
        report = services.apply(upload, me())
    except InterchangeError as error:
        return render_template("transfer/report.html", name=upload.name, error=error, changed_meanwhile=True), 409
    flash(_("Imported %(name)s: %(created)s new, %(updated)s updated, %(unchanged)s unchanged.", name=upload.name,
            created=len(report.created), updated=len(report.updated), unchanged=len(report.unchanged)), "success")
    return render_template("transfer/report.html", name=upload.name, report=report, applied=True)


@blueprint.post("/import/discard")
@requires("catalogue.transfer")
def discard_import():
    form = forms.KeptImportForm()
    try:
        services.discard(form.token.data if form.validate_on_submit() else "")
    except services.UploadGone as gone:
        flash(str(gone), "error")
    else:
        flash(_("The upload was discarded. Nothing was written."), "success")
    return redirect(url_for("transfer.start_import"), 303)


@blueprint.get("/export")
@requires("catalogue.transfer")
def export_page():
    return render_template("transfer/export.html")


@blueprint.get("/export/catalogue.json")
@requires("catalogue.transfer")
def catalogue_json():
    return download(services.export_catalogue("json"))


@blueprint.get("/export/catalogue.csv")
@requires("catalogue.transfer")
def catalogue_csv():
    return download(services.export_catalogue("csv"))


@blueprint.get("/export/results.json")
@requires("catalogue.transfer")
def results_json():
    return results_download("json")


@blueprint.get("/export/results.csv")
@requires("catalogue.transfer")
def results_csv():
    return results_download("csv")


def results_download(fmt: str) -> Response:
    """The same query parameters as the catalogue page; the page number is ignored."""
    wanted = parse_search(request.args, services.RESULTS_LIMIT)
    try:
        export = services.export_results(wanted, request.query_string.decode("utf-8", "replace"), fmt)
    except QueryError as error:
        abort(400, description=str(error))
    return download(export)


def download(export: services.Export) -> Response:
    return Response(export.text, mimetype=export.mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{export.filename}"'})
