"""The dashboard as files: an XLSX workbook (through the one formula-safe writer) and the printable monthly report
(PDF through ``engines.pdf``). The report is meant to be passed on, so it is a shared view: a policy paid to
fewer than 5 people shows no count and no amount."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from talentpool.engines.pdf import Gap, Grid, Heading, Text, render_pdf
from talentpool.engines.tabular.writing import Sheet, xlsx_bytes

from .figures import suppress


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
    return xlsx_bytes(sheets)


def _money(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def monthly_report_pdf(d: dict[str, Any], *, built_at: dt.datetime) -> bytes:
    as_of: dt.date = d["as_of"]
    title = _("Talent work monthly report, %(month)s") % {"month": as_of.strftime("%Y-%m")}
    policies = suppress(d["subsidies_by_policy"], also=("lines", "amount"))
    this, last = d["same_month_last_year"]["this_year"], d["same_month_last_year"]["last_year"]
    blocks = [
        Heading(title, 0),
        Text(_("As of %(date)s; figures from the snapshot of %(built)s. Groups of fewer than 5 people are not "
               "shown.") % {"date": as_of.isoformat(), "built": built_at.strftime("%Y-%m-%d %H:%M")}, small=True),
        Heading(_("Summary")),
        Grid([_("Figure"), _("Value")], [[k, _money(v) if isinstance(v, Decimal) else str(v)]
                                         for k, v in _summary(d)], right=frozenset({1})),
        Heading(_("Subsidies by policy")),
        Grid([_("Policy"), _("People"), _("Payments"), _("Amount (yuan)")],
             [[r["policy"], "—" if r["people"] is None else r["people"], "—" if r["lines"] is None else r["lines"],
               _money(r["amount"])] for r in policies] or [["—", "", "", ""]], right=frozenset({1, 2, 3})),
        Heading(_("This month and the same month last year")),
        Grid([_("Month"), _("Arrivals"), _("Stops"), _("Net inflow"), _("Amount (yuan)")],
             [[r["month"].strftime("%Y-%m"), r["arrivals"], r["stops"], r["net"], _money(r["paid"])]
              for r in (last, this)], right=frozenset({1, 2, 3, 4})),
        Gap(),
        Heading(_("By month")),
        Grid([_("Month"), _("Arrivals"), _("Stops"), _("Net inflow"), _("Talents"), _("Amount (yuan)")],
             [[r["month"].strftime("%Y-%m"), r["arrivals"], r["stops"], r["net"], r["talents"], _money(r["paid"])]
              for r in d["monthly"]], right=frozenset({1, 2, 3, 4, 5})),
    ]
    return render_pdf(title, blocks, footer=title)
