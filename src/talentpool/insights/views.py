"""The insights pages: the officer's KPI dashboard (XLSX export, printable monthly report), the talent map, the
industry map, the retention early-warning list, and the public investor view. Thin: parse, check the role, read
the snapshot, build chart options with ``charts``, render. Every chart has its table beside it."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from talentpool.accounts.models import Role
from talentpool.core.audit import audit_record
from talentpool.core.downloads import file_response
from talentpool.core.models import AuditAction
from talentpool.core.pagecache import kept_for_visitors
from talentpool.core.permissions import require_role
from talentpool.engines.tabular.writing import XLSX_TYPE
from talentpool.registry.models import Cluster, Degree, Tier

from . import charts, exports, selectors
from .figures import AGE_BANDS
from .tiles import city_districts, tile_positions

WARNINGS_PER_PAGE = 100
"""Rows of the early-warning list per page (at 400,000 talents a district has several hundred a month)."""

REASONS = {"insurance_stopped": gettext_noop("Insurance in the district stopped last month"),
           "employment_ended": gettext_noop("Employment ended in the last month"),
           "employer_outside": gettext_noop("Moved to an employer outside the district in the last month")}


def _labels(rows, choices) -> list[dict]:
    names = dict(choices)
    return [{**r, "name": str(names.get(r.get("key", ""), r.get("key", "")))} for r in rows]


def _render(request, template: str, context: dict):
    """Render a page of panels: the chart options go into the page as one JSON data block for static/js."""
    context["options"] = {p["id"]: p["option"] for p in context.get("panels", [])}
    return render(request, template, context)


def _preparing(request, title: str):
    return render(request, "insights/preparing.html", {"title": title}, status=503)


def _panel(key: str, option: dict, headers: list, rows: list) -> dict:
    """A chart and the table beside it (the same figures, readable without the chart)."""
    return {"id": key, "option": option, "title": option["title"]["text"], "headers": headers, "rows": rows}


def _people_panel(key: str, option: dict, rows: list, label: str) -> dict:
    return _panel(key, option, [label, _("People")], [[r.get("name") or r.get("key"), r["people"]] for r in rows])


def _kpi_panels(d: dict) -> list[dict]:
    tiers = _labels([{"key": r["tier"], "people": r["people"]} for r in d["by_tier"]], Tier.choices)
    months = [[r["month"].strftime("%Y-%m"), r["arrivals"], r["stops"], r["net"], r["talents"], r["paid"]]
              for r in d["monthly"]]
    return [
        _panel("monthly", charts.lines(d["monthly"], title=_("Arrivals and stops by month"), x="month",
                                       series={"arrivals": _("Arrivals"), "stops": _("Stops"), "net": _("Net inflow")}),
               [_("Month"), _("Arrivals"), _("Stops"), _("Net inflow"), _("Talents"), _("Amount (yuan)")], months),
        _people_panel("tiers", charts.bars(tiers, title=_("Talents by tier"), series=_("People")), tiers, _("Tier")),
        _panel("subsidies", charts.bars([{"name": r["policy"], "amount": r["amount"]} for r in d["subsidies_by_policy"]],
                                        title=_("Subsidies paid this year (yuan)"), series=_("Amount"), value="amount"),
               [_("Policy"), _("People"), _("Payments"), _("Amount (yuan)")],
               [[r["policy"], r["people"], r["lines"], r["amount"]] for r in d["subsidies_by_policy"]]),
    ]


@require_role(Role.OFFICER)
def dashboard(request):
    snap = selectors.snapshot_for_reading()
    if snap is None:
        return _preparing(request, _("Maps and KPIs"))
    today = timezone.localdate()
    as_of = selectors.as_of_from(request.GET, today)
    scope = selectors.insights_scope(request.user, request.GET.get("district", ""))
    data = selectors.dashboard(snap, scope=scope, as_of=as_of)
    fmt = request.GET.get("format", "")
    if fmt in ("xlsx", "pdf"):
        audit_record(actor=request.user, action=AuditAction.EXPORT, target=f"kpi:{as_of}", request=request,
                     detail={"file": f"kpi {fmt}", "as_of": as_of.isoformat(), "scope": scope})
        if fmt == "xlsx":
            return file_response(exports.kpi_xlsx(data), filename=f"kpi-{as_of}.xlsx", content_type=XLSX_TYPE)
        return file_response(exports.monthly_report_pdf(data, built_at=snap.built_at),
                             filename=f"monthly-report-{as_of:%Y-%m}.pdf", content_type="application/pdf")
    return _render(request, "insights/dashboard.html", {
        "d": data, "as_of": as_of, "snap": snap, "panels": _kpi_panels(data), "tiers": dict(Tier.choices),
        "districts": selectors.districts_for(request.user), "district": scope if len(scope) == 6 else ""})


def _map_hrefs(request, rows, param: str, width: int) -> dict[str, str]:
    query = request.GET.copy()
    out = {}
    for r in rows:
        query[param] = r["key"][:width]
        out[r["key"]] = "?" + query.urlencode()
    return out


def _talent_panels(request, d: dict, *, scope: str) -> list[dict]:
    degrees = {k: str(v) for k, v in Degree.choices} | {"": _("Unknown")}
    place, people = _("Place"), _("People")
    out = [
        _people_panel("origin", charts.province_map(
            d["by_province"], title=_("Where talents come from (household registration)"), series=people,
            hrefs=_map_hrefs(request, d["by_province"], "province", 2)), d["by_province"], place),
    ]
    if d["by_city"]:
        out.append(_people_panel("cities", charts.bars(d["by_city"], title=_("Cities of the province"), series=people),
                                 d["by_city"], place))
    out += [
        _people_panel("university", charts.province_map(d["university_province"], title=_("Where they studied"),
                                                        series=people), d["university_province"], place),
        _people_panel("universities", charts.bars(d["top_universities"], title=_("Top universities"), series=people),
                      d["top_universities"], _("University")),
        _people_panel("majors", charts.bars(d["top_majors"], title=_("Top majors"), series=people), d["top_majors"],
                      _("Major")),
        _panel("inflow", charts.stacked(d["inflow"], title=_("Arrivals by year and source province"), x="year",
                                        stack="province", names=charts.PROVINCE_SHORT),
               [_("Year"), place, people],
               [[r["year"], charts.PROVINCE_SHORT.get(r["province"], r["province"] or "—"), r["people"]]
                for r in d["inflow"]]),
        _panel("pyramid", charts.pyramid(d["pyramid"], title=_("Age and degree"), bands=AGE_BANDS, degrees=degrees),
               [_("Age"), _("Degree"), people], [[r["band"], degrees.get(r["degree"], r["degree"]), r["people"]]
                                                 for r in d["pyramid"]]),
        _people_panel("density", charts.bars(d["density"], title=_("Talents by district of residence"), series=people),
                      d["density"], place),
    ]
    if len(scope) == 4:
        out.append(_district_tiles("density-tiles", d["density"], scope=scope, series=people, value="people",
                                   title=_("Talents per district of residence (schematic map)"), label=place))
    if d["recruit"]:
        out.append(_people_panel("recruit", charts.bars(d["recruit"], title=_("Where to recruit for this cluster"),
                                                        series=people), d["recruit"], _("University")))
    return out


@require_role(Role.OFFICER)
def talent_map(request):
    snap = selectors.snapshot_for_reading()
    if snap is None:
        return _preparing(request, _("Talent map"))
    as_of = selectors.as_of_from(request.GET, timezone.localdate())
    f = selectors.filters_from(request.GET)
    scope = selectors.insights_scope(request.user, request.GET.get("district", ""))
    data = selectors.talent_map(snap, scope=scope, as_of=as_of, f=f)
    back = request.GET.copy()
    back.pop("province", None)
    return _render(request, "insights/talent_map.html", {
        "d": data, "f": f, "as_of": as_of, "snap": snap, "panels": _talent_panels(request, data, scope=scope),
        "degrees": Degree.choices, "tiers": Tier.choices, "clusters": Cluster.choices, "bands": AGE_BANDS,
        "degree_names": dict(Degree.choices), "back": back.urlencode(),
        "province_name": charts.PROVINCE_SHORT.get(f"{f.province}0000", f.province),
        "districts": selectors.districts_for(request.user), "district": scope if len(scope) == 6 else ""})


def _district_tiles(key: str, rows: list[dict], *, scope: str, title: str, series: str, value: str, label: str,
                    hrefs: dict[str, str] | None = None) -> dict:
    """The schematic tile map of the districts of the scope's city (``tiles``) and the table of the same figures:
    every district of the shipped division list, zero where there is no row."""
    districts = city_districts(scope[:4])
    by_code = {r["key"]: r[value] for r in rows}
    full = [{"key": code, "name": name, value: by_code.get(code, 0)} for code, name in districts]
    option = charts.tile_map(full, title=title, series=series, value=value, hrefs=hrefs,
                             positions=tile_positions([code for code, _n in districts]))
    return _panel(key, option, [label, series], [[r["name"], r[value]] for r in full])


def _industry_panels(d: dict, *, scope: str, hrefs: dict[str, str] | None = None) -> list[dict]:
    names = {k: str(v) for k, v in Cluster.choices}
    rows = [{**r, "key": r["cluster"], "name": names.get(r["cluster"], r["cluster"])} for r in d["clusters"]]
    districts = sorted({(r["district"], r["name"]) for r in d["by_district"]})
    totals: dict[str, int] = {}
    for r in d["by_district"]:
        totals[r["district"]] = totals.get(r["district"], 0) + r["enterprises"]
    district_names = dict(districts)
    streets = [{"name": f"{district_names.get(r['district'], r['district'])} · {r['street']}",
                "enterprises": r["enterprises"]} for r in d["by_street"]]
    tiles = [_district_tiles("district-tiles", [{"key": k, "enterprises": v} for k, v in sorted(totals.items())],
                             scope=scope, title=_("Enterprises per district (schematic map)"),
                             series=_("Enterprises"), value="enterprises", label=_("District"), hrefs=hrefs)] \
        if len(scope) == 4 else []
    return tiles + [
        _panel("clusters", charts.bars(rows, title=_("Enterprises by cluster"), series=_("Enterprises"),
                                       value="enterprises"),
               [_("Cluster"), _("Enterprises"), _("Open jobs"), _("Open positions"), _("Hires this year"),
                _("Talents employed")],
               [[r["name"], r["enterprises"], r["jobs"], r["positions"], r["hires"], r["people"]] for r in rows]),
        _panel("districts", charts.stacked(d["by_district"], title=_("Enterprises by district and cluster"), x="name",
                                           stack="cluster", value="enterprises", x_order=[n for _c, n in districts],
                                           names=names),
               [_("District"), _("Cluster"), _("Enterprises")],
               [[r["name"], names.get(r["cluster"], r["cluster"]), r["enterprises"]] for r in d["by_district"]]),
        _panel("jobs", charts.bars(rows, title=_("Open positions by cluster"), series=_("Positions"), value="positions"),
               [_("Cluster"), _("Open positions")], [[r["name"], r["positions"]] for r in rows]),
        _panel("gap", charts.bars([{"name": f"{names.get(g['cluster'], g['cluster'])} · {g['name']}",
                                    "gap": g["gap"]} for g in d["gap"]],
                                  title=_("Supply and demand by major class"), series=_("Gap"), value="gap"),
               [_("Cluster"), _("Major class"), _("Positions asking for it"), _("Talents"), _("Job seekers"),
                _("Gap")],
               [[names.get(g["cluster"], g["cluster"]), g["name"], g["demand"], g["supply"], g["seekers"], g["gap"]]
                for g in d["gap"]]),
        _panel("streets", charts.bars(streets, title=_("Streets with the most enterprises"), series=_("Enterprises"),
                                      value="enterprises"),
               [_("District"), _("Street"), _("Enterprises")],
               [[district_names.get(r["district"], r["district"]), r["street"], r["enterprises"]]
                for r in d["by_street"]]),
    ]


def _industry(request, *, scope: str, shared: bool, template: str, drill: bool = False, districts=()):
    snap = selectors.snapshot_for_reading()
    if snap is None:
        return _preparing(request, _("Industry map"))
    as_of = timezone.localdate()
    data = selectors.industry_map(snap, scope=scope, as_of=as_of, shared=shared)
    hrefs = {code: f"?district={code}" for code, _n in city_districts(scope[:4])} if drill else None
    return _render(request, template, {"d": data, "as_of": as_of, "snap": snap, "shared": shared,
                                      "panels": _industry_panels(data, scope=scope, hrefs=hrefs),
                                      "clusters": dict(Cluster.choices), "districts": districts,
                                      "district": scope if len(scope) == 6 else ""})


@require_role(Role.OFFICER)
def industry_map(request):
    return _industry(request, scope=selectors.insights_scope(request.user, request.GET.get("district", "")), shared=False,
                     template="insights/industry_map.html", drill=True, districts=selectors.districts_for(request.user))


@kept_for_visitors
def investors(request):
    """The public investor view: anyone, signed in or not; aggregates of the city only, small cells suppressed."""
    return _industry(request, scope=selectors.PUBLIC_SCOPE, shared=True, template="insights/investors.html")


@require_role(Role.OFFICER)
def early_warning(request):
    snap = selectors.snapshot_for_reading()
    if snap is None:
        return _preparing(request, _("Retention early warning"))
    as_of = selectors.as_of_from(request.GET, timezone.localdate())
    officer = request.GET.get("officer", "")
    rows = selectors.early_warning_rows(request.user, snap, as_of=as_of,
                                        officer=selectors.officer_filter_from(request.user, officer))
    page = Paginator(rows, WARNINGS_PER_PAGE).get_page(request.GET.get("page"))
    people, officers = selectors.early_warning_page(request.user, page.object_list)
    return render(request, "insights/early_warning.html", {
        "rows": _warning_cells(people), "page": page, "as_of": as_of, "snap": snap, "officers": officers,
        "officer": officer})


def _warning_cells(rows: list[dict]) -> list[dict]:
    """What each row of the early-warning table prints, worked out once per page rather than by the template per
    row: the reasons in words, and the link to the talent (the URL reversed once, the id put in its place)."""
    labels = {key: _(text) for key, text in REASONS.items()}
    marker = 987654321
    link = reverse("registry:talent-detail", args=[marker])
    return [{**r, "href": link.replace(str(marker), str(r["talent"]["pk"])),
             "reason_text": "; ".join(labels[k] for k in r["reasons"] if k in labels)} for r in rows]
