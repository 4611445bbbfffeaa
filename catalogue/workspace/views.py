"""A member's saved searches and the alerts they raise; ``flask alerts send`` for cron (saved searches and followed
tools)."""

from __future__ import annotations

import click
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from catalogue.conflicts import ConcurrentChange
from catalogue.models.workspace import EMAIL_CHOICES
from catalogue.policy import me, requires
from catalogue.workspace import alerts, follow_events, searches

blueprint = Blueprint("workspace", __name__, url_prefix="/saved-searches", cli_group="alerts")
SEARCH = "/<int:search_id>"


@blueprint.get("/")
@requires("workspace.keep")
def searches_page():
    user = me()
    mine = searches.searches_of(user)
    return render_template("workspace/searches.html", searches=mine,
                           new_counts={saved.id: searches.new_count(saved) for saved in mine},
                           renamed={saved.id: searches.renamed_filters(saved) for saved in mine},
                           alerts=searches.unread_alerts(user), email_choices=EMAIL_CHOICES,
                           limit=searches.LIMIT, shown_new=searches.NEW_SHOWN)


@blueprint.post("/")
@requires("workspace.keep")
def save():
    """"Save this search" on a results page: the form carries the page's query string and a name."""
    args = request.form.copy()
    try:
        saved = searches.save(me(), request.form.get("name", ""), args)
    except (searches.SearchRefused, ConcurrentChange) as refused:
        flash(refused.message, "error")
        return redirect(url_for("tools.index", **_catalogue_args(args)), 303)
    flash(_("Search saved as “%(name)s”. New matching tools are listed under Saved searches.", name=saved.name),
          "success")
    return redirect(url_for("workspace.searches_page"), 303)


def _catalogue_args(args) -> dict:
    return {key: args.getlist(key) for key in args if key not in ("csrf_token", "name")}


@blueprint.get(f"{SEARCH}/open")
@requires("workspace.keep")
def open_search(search_id: int):
    """Run the saved search in the catalogue; what was new is seen from now on."""
    saved = searches.own_search(me(), search_id)
    searches.opened(saved)
    survivors = searches.merged_terms()  # a merged term's filter opens on the surviving term
    args: dict[str, list[str]] = {}
    for key, value in saved.query:
        args.setdefault(key, []).append(survivors.get((key, value), value))
    return redirect(url_for("tools.index", **args), 303)


@blueprint.post(f"{SEARCH}/email")
@requires("workspace.keep")
def email(search_id: int):
    saved = searches.own_search(me(), search_id)
    try:
        searches.set_email(saved, request.form.get("email", ""))
    except searches.SearchRefused as refused:
        flash(refused.message, "error")
    else:
        flash(_("E-mail alerts for “%(name)s” saved.", name=saved.name), "success")
    return redirect(url_for("workspace.searches_page"), 303)


@blueprint.post(f"{SEARCH}/delete")
@requires("workspace.keep")
def delete(search_id: int):
    saved = searches.own_search(me(), search_id)
    name = saved.name
    searches.delete(saved)
    flash(_("Saved search “%(name)s” deleted.", name=name), "success")
    return redirect(url_for("workspace.searches_page"), 303)


@blueprint.cli.command("send")
def send_command() -> None:
    """Find tools that newly match saved searches, and what changed in followed tools; list them for their members
    and send the e-mails due."""
    report = alerts.run()
    click.echo(f"{report.candidates} tools published or changed since the last run; {report.searches_run} distinct "
               f"searches run; {report.alerts} new alerts for {len(report.members)} members; "
               f"{report.emails} e-mails sent.")
    followed = follow_events.run()
    click.echo(f"Followed tools: {followed.events} new changes for {len(followed.members)} members; "
               f"{followed.emails} e-mails sent.")
