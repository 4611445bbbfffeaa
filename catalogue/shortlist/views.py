"""Shortlists: a member's named lists (notes, sharing, CSV, comparison), or a visitor's session list."""

from __future__ import annotations

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from catalogue.conflicts import ConcurrentChange
from catalogue.policy import me, requires
from catalogue.redirects import safe_target
from catalogue.rows import whole_number
from catalogue.shortlist import services

blueprint = Blueprint("shortlist", __name__, url_prefix="/shortlist")
LIST = "/<int:list_id>"


@blueprint.app_template_global("shortlist_names")
def shortlist_names(tool) -> list[str]:
    """Names of the reader's own shortlists holding ``tool`` (or the tool of that id), read once per request for
    every card and page."""
    if "shortlist_names" not in g:
        g.shortlist_names = services.names_by_tool(me())
    return g.shortlist_names.get(tool if isinstance(tool, int) else tool.id, [])


@blueprint.app_template_global("my_shortlists")
def my_shortlists() -> list:
    user = me()
    return services.lists_of(user) if services.keeps_lists(user) else []


def safe_next(default: str) -> str:
    return safe_target(request.form.get("next"), default)


def _member():
    """The signed-in member keeping lists in their account (their session list moved in first), or None."""
    user = me()
    if not services.keeps_lists(user):
        return None
    services.merge_session(user)
    return user


def _chosen_list(user):
    """The list a form names (``list``, one of the member's own), else the member's default list."""
    list_id = whole_number(request.form.get("list", ""))
    return services.own_list(user, list_id) if list_id else services.default_list(user)


@blueprint.get("/")
@requires("catalogue.view")
def index():
    user = _member()
    if user is None:
        return render_template("shortlist/session.html", tools=services.session_tools(), limit=services.LIMIT)
    return render_template("shortlist/index.html", lists=services.lists_of(user),
                           shared=services.shared_with(user), limit=services.LISTS_LIMIT)


@blueprint.get(LIST)
@requires("workspace.keep")
def show(list_id: int):
    user = _member()
    shortlist = services.readable_list(user, list_id)
    mine = shortlist.owner_id == user.id
    return render_template("shortlist/list.html", shortlist=shortlist, mine=mine,
                           items=services.published_items(shortlist),
                           colleagues=services.colleagues(user) if mine else [],
                           shared_ids={share.user_id for share in shortlist.shares},
                           compare_limit=services.COMPARE_LIMIT, limit=services.LIMIT)


@blueprint.post("/add")
@requires("catalogue.view")
def add():
    slug = request.form.get("tool", "")
    user = _member()
    try:
        if user is None:
            tool = services.add_to_session(slug)
            where = _("your shortlist")
        else:
            shortlist = _chosen_list(user)
            tool = services.add_tool(shortlist, slug)
            where = shortlist.name
    except services.ShortlistFull:
        flash(ngettext("Your shortlist is full (%(num)s tool). Remove a tool first.",
                       "Your shortlist is full (%(num)s tools). Remove a tool first.", services.LIMIT), "error")
    except (services.ShortlistRefused, ConcurrentChange) as refused:
        flash(refused.message, "error")
    else:
        if tool is None:
            flash(_("That tool is not in the catalogue."), "error")
        else:
            flash(_("%(name)s was added to %(list)s.", name=tool.name, list=where), "success")
    return redirect(safe_next(url_for("shortlist.index")), 303)


@blueprint.post("/remove")
@requires("catalogue.view")
def remove():
    user = _member()
    if user is None:
        services.remove_from_session(request.form.get("tool", ""))
    else:
        services.remove_tool(_chosen_list(user), request.form.get("tool", ""))
    flash(_("The tool was removed from the shortlist."), "success")
    return redirect(safe_next(url_for("shortlist.index")), 303)


@blueprint.post("/clear")
@requires("catalogue.view")
def clear():
    user = _member()
    if user is None:
        services.clear_session()
    else:
        shortlist = _chosen_list(user)
        for item in list(shortlist.items):
            services.remove_tool(shortlist, item.tool.slug)
    flash(_("The shortlist is empty now."), "success")
    return redirect(safe_next(url_for("shortlist.index")), 303)


@blueprint.post("/new")
@requires("workspace.keep")
def new():
    try:
        created = services.create_list(_member(), request.form.get("name", ""))
    except services.ShortlistRefused as refused:
        flash(refused.message, "error")
        return redirect(url_for("shortlist.index"), 303)
    flash(_("Shortlist “%(name)s” created.", name=created.name), "success")
    return redirect(url_for("shortlist.show", list_id=created.id), 303)


def _own_change(list_id: int, change, done: str):
    shortlist = services.own_list(_member(), list_id)
    try:
        change(shortlist)
    except (services.ShortlistRefused, ConcurrentChange) as refused:
        flash(refused.message, "error")
    else:
        flash(done, "success")
    return redirect(safe_next(url_for("shortlist.show", list_id=list_id)), 303)


@blueprint.post(f"{LIST}/rename")
@requires("workspace.keep")
def rename(list_id: int):
    return _own_change(list_id, lambda shortlist: services.rename(shortlist, request.form.get("name", "")),
                       _("The shortlist was renamed."))


@blueprint.post(f"{LIST}/note")
@requires("workspace.keep")
def note(list_id: int):
    return _own_change(list_id, lambda shortlist: services.set_note(shortlist, request.form.get("tool", ""),
                                                                   request.form.get("note", "")),
                       _("Note saved."))


@blueprint.post(f"{LIST}/share")
@requires("workspace.keep")
def share(list_id: int):
    people = [number for value in request.form.getlist("colleague") if (number := whole_number(value))]
    return _own_change(list_id, lambda shortlist: services.share(shortlist, request.form.get("agency") == "y",
                                                                 people),
                       _("Sharing saved."))


@blueprint.post(f"{LIST}/delete")
@requires("workspace.keep")
def delete(list_id: int):
    shortlist = services.own_list(_member(), list_id)
    name = shortlist.name
    try:
        services.delete_list(shortlist)
    except (services.ShortlistRefused, ConcurrentChange) as refused:
        flash(refused.message, "error")
        return redirect(url_for("shortlist.show", list_id=list_id), 303)
    flash(_("Shortlist “%(name)s” deleted.", name=name), "success")
    return redirect(url_for("shortlist.index"), 303)


def _csv(text: str, filename: str) -> Response:
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@blueprint.get("/shortlist.csv")
@requires("catalogue.view")
def export_csv():
    user = _member()
    if user is None:
        return _csv(services.session_csv(), "shortlist.csv")
    return _csv(services.list_csv(services.default_list(user)), "shortlist.csv")


@blueprint.get(f"{LIST}/shortlist.csv")
@requires("workspace.keep")
def export_list_csv(list_id: int):
    return _csv(services.list_csv(services.readable_list(_member(), list_id)), f"shortlist-{list_id}.csv")
