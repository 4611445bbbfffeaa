"""Followed tools: follow and unfollow from a tool's page, the member's list of followed tools and what changed."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from catalogue.conflicts import ConcurrentChange
from catalogue.models.workspace import EMAIL_CHOICES
from catalogue.policy import can, me, requires
from catalogue.redirects import safe_target
from catalogue.workspace import follows

blueprint = Blueprint("follows", __name__, url_prefix="/followed")
FOLLOW = "/<int:follow_id>"


@blueprint.app_template_global("my_follow")
def my_follow(tool):
    """The reader's follow of ``tool`` (for "You follow this tool" on its page), or None."""
    return follows.following(me(), tool) if can("workspace.keep") else None


@blueprint.get("/")
@requires("workspace.keep")
def index():
    user = me()
    return render_template("workspace/followed.html", follows=follows.follows_of(user),
                           unread=follows.unread_counts(user), changes=follows.shown(follows.unread_events(user), user),
                           email=follows.email_choice(user), email_choices=EMAIL_CHOICES, limit=follows.LIMIT)


@blueprint.post("/")
@requires("workspace.keep")
def follow():
    """"Follow this tool" on its page: back where the member was."""
    slug = request.form.get("tool", "")
    try:
        followed, new = follows.follow(me(), slug)
    except (follows.FollowRefused, ConcurrentChange) as refused:
        flash(refused.message, "error")
        return redirect(url_for("follows.index"), 303)
    if new:
        flash(_("You follow “%(name)s”. You will be told here and on your home page when its entry changes.",
                name=followed.tool.name), "success")
    else:
        flash(_("You already follow “%(name)s”.", name=followed.tool.name), "info")
    return redirect(_back(url_for("tools.detail", slug=followed.tool.slug, _anchor="follow-actions")), 303)


@blueprint.post(f"{FOLLOW}/unfollow")
@requires("workspace.keep")
def unfollow(follow_id: int):
    followed = follows.own_follow(me(), follow_id)
    name = followed.tool.name
    try:
        follows.unfollow(followed)
    except ConcurrentChange as refused:
        flash(refused.message, "error")
    else:
        flash(_("You no longer follow “%(name)s”.", name=name), "success")
    return redirect(_back(url_for("follows.index")), 303)


@blueprint.get(f"{FOLLOW}/open")
@requires("workspace.keep")
def open_tool(follow_id: int):
    """Open a followed tool from its changes: they are read from now on."""
    followed = follows.own_follow(me(), follow_id)
    follows.mark_read(me(), followed)
    if followed.tool.status != "published":
        flash(_("“%(name)s” is no longer in the catalogue.", name=followed.tool.name), "info")
        return redirect(url_for("follows.index"), 303)
    return redirect(url_for("tools.detail", slug=followed.tool.slug), 303)


@blueprint.post("/read")
@requires("workspace.keep")
def mark_read():
    follows.mark_read(me())
    flash(_("Every change is marked as read."), "success")
    return redirect(url_for("follows.index"), 303)


@blueprint.post("/email")
@requires("workspace.keep")
def email():
    try:
        follows.set_email(me(), request.form.get("email", ""))
    except (follows.FollowRefused, ConcurrentChange) as refused:
        flash(refused.message, "error")
    else:
        flash(_("E-mails about followed tools saved."), "success")
    return redirect(url_for("follows.index"), 303)


def _back(default: str) -> str:
    return safe_target(request.form.get("next"), default)
