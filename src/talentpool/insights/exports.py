"""The dashboard as files: an XLSX workbook (through the one formula-safe writer) and the printable monthly report
(PDF through ``engines.pdf``). The report is meant to be passed on, so it is a shared view: a count of 1–4
people (talents, graduates, arrivals, stops, people paid and their amount, warnings, retained, registrants,
interviews, intents, tickets) shows as <5, and a policy paid to fewer than 5 people shows no count and no amount."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from talentpool.engines.pdf import Gap, Grid, Heading, Text, render_pdf
from talentpool.engines.tabular.writing import Sheet, xlsx_bytes

from .figures import SUPPRESS_BELOW, suppress


def _summary(d: dict[str, Any]) -> list[list[Any]]:
    g, n, s = d["new_graduates_under_35"], d["net_inflow"], d["subsidies_total"]
    rows = [[_("Talents"), d["talent_total"]],
            [_("New under-35 graduates this year"), g["people"]],
            [_("Rank among the districts of the city"), g["rank"] if g["rank"] else "—"],
            [_("Arrivals this year"), n["arrivals"]], [_("Stops this year"), n["stops"]],
            [_("Net inflow this year"), n["net"]],
            [_("People paid this year"), s["people"]], [_("Paid this year (yuan)"), s["amount"]],
            [_("Early warnings"), d["early_warning"]]]
    for r in d["retention"]:
        rows.append([_("Retained after %(n)s year(s)") % {"n": r["years"]},
                     "<5" if None in (r["retained"], r["cohort"]) else
                     f"{r['retained']} / {r['cohort']}" + (f" ({r['rate']}%)" if r["rate"] is not None else "")])
    f, t = d.get("fairs"), d.get("tickets_within_sla")
    if f:
        rows += [[_("Fairs held this year"), f["fairs"]], [_("Fair registrants"), f["registrants"]],
                 [_("Checked in at fairs"), f["checked_in"]], [_("Interviews at fairs"), f["interviews"]],
                 [_("Intents after interviews"), f["intents"]], [_("Strong intents"), f["strong"]]]
    if t:
        rows += [[_("Tickets resolved this year"), t["resolved"]], [_("Resolved within SLA"), t["within_sla"]],
                 [_("Share within SLA (%)"), t["share"] if t["share"] is not None else "—"],
                 [_("SLA breaches this year"), t["breaches"]]]
    return rows


def _small(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < SUPPRESS_BELOW


def _hide(row: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {**row, **{k: None for k in keys if _small(row.get(k))}}


def _month(r: dict[str, Any]) -> dict[str, Any]:
    out = _hide(r, "arrivals", "stops", "talents")
    out["net"] = None if None in (out["arrivals"], out["stops"]) else out["net"]
    if _small(r.get("paid_people")):
        out["paid"] = None
    return out


def _shared(d: dict[str, Any]) -> dict[str, Any]:
    """The figures of ``d`` for a shared view: every count of 1–4 people (or of their tickets) as None; the net
    inflow with a hidden side, and the amount paid to fewer than 5 people, too."""
    out = dict(d)
    out["talent_total"] = None if _small(d["talent_total"]) else d["talent_total"]
    out["early_warning"] = None if _small(d["early_warning"]) else d["early_warning"]
    out["new_graduates_under_35"] = _hide(d["new_graduates_under_35"], "people")
    out["net_inflow"] = _month(d["net_inflow"]) if "arrivals" in d["net_inflow"] else d["net_inflow"]
    paid = d["subsidies_total"]
    out["subsidies_total"] = {"people": None, "amount": None} if _small(paid["people"]) else paid
    out["retention"] = [_hide(r, "retained", "cohort") for r in d["retention"]]
    if d.get("fairs"):
        out["fairs"] = _hide(d["fairs"], "registrants", "checked_in", "interviews", "intents", "strong")
    if d.get("tickets_within_sla"):
        out["tickets_within_sla"] = _hide(d["tickets_within_sla"], "resolved", "within_sla", "breaches")
    out["monthly"] = [_month(r) for r in d["monthly"]]
    out["same_month_last_year"] = {k: _month(v) for k, v in d["same_month_last_year"].items()}
    return out


def kpi_xlsx(d: dict[str, Any]) -> bytes:
    people, amount = _("People"), _("Amount (yuan)")
    month = _("Month")
    sheets = [
        Sheet(_("Summary"), [_("Figure"), _("Value")], _summary(d) + [[_("As of"), d["as_of"]]],
              widths={"A": 36, "B": 18}, number_formats={1: "#,##0.##"}),
        Sheet(_("By tier"), [_("Tier"), people], [[r["tier"], r["people"]] for r in d["by_tier"]]),
        Sheet(_("Subsidies by policy"), [_("Policy"), people, _("Payments"), amount],
              [[r["policy"], r["people"], r["lines"], r["amount"]] for r in d["subsidies_by_policy"]],
              widths={"A": 30, "D": 16}, number_formats={3: "#,##0.00"}),
        Sheet(_("By month"), [month, _("Arrivals"), _("Stops"), _("Net inflow"), _("Talents"), amount],
              [[r["month"].strftime("%Y-%m"), r["arrivals"], r["stops"], r["net"], r["talents"], r["paid"]]
               for r in d["monthly"]], widths={"F": 16}, number_formats={5: "#,##0.00"}),
    ]
    return xlsx_bytes(sheets, keep=True)  # district figures: no person in it


def _money(value: Decimal | None) -> str:  # None: withheld (paid to fewer than 5 people)
    return "—" if value is None else f"{value:,.2f}"


def _cell(value: Any) -> str:
    return "<5" if value is None else _money(value) if isinstance(value, Decimal) else str(value)


def monthly_report_pdf(d: dict[str, Any], *, built_at: dt.datetime) -> bytes:
    d = _shared(d)
    as_of: dt.date = d["as_of"]
    title = _("Talent work monthly report, %(month)s") % {"month": as_of.strftime("%Y-%m")}
    policies = suppress(d["subsidies_by_policy"], also=("lines", "amount"))
    this, last = d["same_month_last_year"]["this_year"], d["same_month_last_year"]["last_year"]
    blocks = [
        Heading(title, 0),
        Text(_("As of %(date)s; figures from the snapshot of %(built)s. Groups of fewer than 5 people are not "
               "shown.") % {"date": as_of.isoformat(), "built": built_at.strftime("%Y-%m-%d %H:%M")}, small=True),
        Heading(_("Summary")),
        Grid([_("Figure"), _("Value")], [[k, _cell(v)] for k, v in _summary(d)], right=frozenset({1})),
        Heading(_("Subsidies by policy")),
        Grid([_("Policy"), _("People"), _("Payments"), _("Amount (yuan)")],
             [[r["policy"], "—" if r["people"] is None else r["people"], "—" if r["lines"] is None else r["lines"],
               _money(r["amount"])] for r in policies] or [["—", "", "", ""]], right=frozenset({1, 2, 3})),
        Heading(_("This month and the same month last year")),
        Grid([_("Month"), _("Arrivals"), _("Stops"), _("Net inflow"), _("Amount (yuan)")],
             [[r["month"].strftime("%Y-%m"), _cell(r["arrivals"]), _cell(r["stops"]), _cell(r["net"]),
               _money(r["paid"])] for r in (last, this)], right=frozenset({1, 2, 3, 4})),
        Gap(),
        Heading(_("By month")),
        Grid([_("Month"), _("Arrivals"), _("Stops"), _("Net inflow"), _("Talents"), _("Amount (yuan)")],
             [[r["month"].strftime("%Y-%m"), _cell(r["arrivals"]), _cell(r["stops"]), _cell(r["net"]),
               _cell(r["talents"]), _money(r["paid"])] for r in d["monthly"]], right=frozenset({1, 2, 3, 4, 5})),
    ]
    return render_pdf(title, blocks, footer=title)
