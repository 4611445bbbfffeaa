"""Admin oversight of contact requests: volumes and answer times, the overdue list and a CSV without content."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional, ValidationError

from catalogue import charts, clock
from catalogue.choices import options
from catalogue.contact import statistics
from catalogue.contact.labels import KIND_LABELS, STATE_LABELS, URGENCY_LABELS
from catalogue.forms import plausible_date
from catalogue.languages.formatting import arrow
from catalogue.paging import page_number
from catalogue.policy import requires
from catalogue.templating import country_name

blueprint = Blueprint("contact_oversight", __name__, url_prefix="/admin/contact")



class OversightFilterForm(FlaskForm):
    """A GET form: it changes nothing, so it carries no CSRF token."""

    class Meta:
        csrf = False

    since = DateField(_l("Sent from"), validators=[Optional(), plausible_date])
    until = DateField(_l("Sent until"), validators=[Optional(), plausible_date])
    kind = SelectField(_l("Type"), validators=[Optional()],
                       choices=options([("", _l("Any type")), *KIND_LABELS.items()]))
    urgency = SelectField(_l("Urgency"), validators=[Optional()],
                          choices=options([("", _l("Any urgency")), *URGENCY_LABELS.items()]))

    def validate_until(self, field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end date is before the start date."))

    def filters(self) -> statistics.Filters:
        return statistics.Filters(since=self.since.data, until=self.until.data, kind=self.kind.data or "",
                                  urgency=self.urgency.data or "")


def duration(hours: float | None) -> str:
    """Minutes under an hour, hours under two days, days beyond (whole days from ten on)."""
    if hours is None:
        return "—"
    if hours < 1:
        minutes = round(hours * 60)
        return ngettext("%(num)d minute", "%(num)d minutes", minutes)
    if hours < 48:
        return _("%(hours)s h", hours=format_decimal(round(hours, 1)))
    days = hours / 24
    shown = round(days, 1) if days < 10 else round(days)
    # The plural form follows the whole number nearest to what is shown (2.5 days: the form for 2).
    return ngettext("%(days)s day", "%(days)s days", round(shown), days=format_decimal(shown))


def pair_label(group: statistics.PairGroup, other_pairs: int) -> str:
    if group.pair is None:
        return ngettext("%(num)d other pair", "%(num)d other pairs", other_pairs)
    # Country names come in the page's language, so they share its direction: only the arrow needs turning.
    return f"{country_name(group.pair[0])} {arrow()} {country_name(group.pair[1])}"


def time_chart(labels: list[str], groups: list[statistics.Group]) -> charts.Chart:
    """Median time to acknowledge and to respond, two bars per row, on a scale in hours or, if long, days."""
    longest = max((hours for g in groups for hours in (g.median_acknowledge, g.median_respond) if hours is not None),
                  default=0)
    in_days = longest >= 72
    unit = 24 if in_days else 1

    def scaled(hours):
        return None if hours is None else hours / unit

    def tick_text(value: float) -> str:
        return _("%(days)s d", days=format_decimal(value)) if in_days else _("%(hours)s h",
                                                                              hours=format_decimal(value))

    series = [[(scaled(g.median_acknowledge), duration(g.median_acknowledge) if g.acknowledge_hours
                else _("none yet")) for g in groups],
              [(scaled(g.median_respond), duration(g.median_respond) if g.respond_hours else _("none yet"))
               for g in groups]]
    return charts.bar_chart(labels, series, charts.OVERSIGHT, tick_text=tick_text)


def volume_chart(labels: list[str], groups: list[statistics.Group]) -> charts.Chart:
    return charts.bar_chart(labels, [[(g.requests, format_decimal(g.requests)) for g in groups]], charts.OVERSIGHT,
                            tick_text=format_decimal, whole=True)


@blueprint.get("/")
@requires("contact.oversee")
def overview():
    form = OversightFilterForm(request.args)
    if not form.validate():
        return render_template("contact/oversight.html", form=form, found=None), 400
    found = statistics.overview(form.filters())
    pair_labels = [pair_label(group, found.other_pairs) for group in found.by_pair]
    kind_labels = [str(KIND_LABELS.get(kind, kind)) for kind in found.by_kind]
    kind_groups = list(found.by_kind.values())
    figures = {
        "pair_volume": volume_chart(pair_labels, found.by_pair),
        "pair_times": time_chart(pair_labels, found.by_pair),
        "kind_volume": volume_chart(kind_labels, kind_groups),
        "kind_times": time_chart(kind_labels, kind_groups),
    }
    return render_template("contact/oversight.html", form=form, found=found, figures=figures,
                           pair_rows=list(zip(pair_labels, found.by_pair, strict=True)),
                           kind_rows=list(zip(kind_labels, kind_groups, strict=True)), duration=duration,
                           number=format_decimal,
                           state_labels=STATE_LABELS, top_pairs=statistics.TOP_PAIRS)


@blueprint.get("/overdue")
@requires("contact.oversee")
def overdue():
    page = page_number()
    return render_template("contact/overdue.html", pagination=statistics.overdue(page), now=clock.now(),
                           duration=duration, kind_labels=KIND_LABELS,
                           urgency_labels=URGENCY_LABELS)


@blueprint.get("/requests.csv")
@requires("contact.oversee")
def export():
    form = OversightFilterForm(request.args)
    if not form.validate():
        return render_template("contact/oversight.html", form=form, found=None), 400
    body = statistics.export_csv(form.filters(), actor=current_user)
    return Response(body.encode("utf-8"), mimetype="text/csv", content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="contact-requests.csv"'})
