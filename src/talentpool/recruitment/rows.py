"""The match lists of the talent's "jobs for me" page and the enterprise's job page made in Python, once per page:
23 cards of a title, an employer, a place, a salary and up to five reasons cost ~700 variable look-ups, filter
calls and an include per card through the template language (a third of the request at 400,000 talents). The HTML
is the one the templates wrote (tests/integration/recruitment/test_match_rows.py compares them); every value is
escaped by ``format_html``."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from talentpool.reference.selectors import division_name, reference_names
from talentpool.registry.models import Degree

_JOB = ('<li class="card{near}" data-job="{pk}"><h2><a href="{url}{pk}/">{title}</a>{applied}</h2>\n'
        '<p class="muted">{employer} · {division}{salary}</p>\n{reasons}</li>')

_CANDIDATE = ('<li class="card{near}" data-talent="{pk}">\n'
              '  <p><strong>{name}</strong> <span class="badge" title="{fit_title}">{fit}</span> {education}\n'
              '  {applied}</p>\n'
              '  {reasons}\n</li>')


def _reasons(reasons: list[str], near_miss: bool, almost: str) -> SafeString:
    """recruitment/_reasons.html: the reasons, the near-miss warning, the file's last line break."""
    items = format_html_join("", "<li>{}</li>", ((r,) for r in reasons))
    warn = format_html('<p class="warn small">{}</p>', almost) if near_miss else ""
    return format_html('<ul class="reasons small">{}</ul>{}\n', items, warn)


def job_match_rows(matches: Iterable) -> list[SafeString]:
    """Each recommended job (``selectors.JobMatch``) as the card the talent's job list shows."""
    url = reverse("recruitment:job-detail", args=[0]).removesuffix("0/")
    applied = format_html(' <span class="badge">{}</span>', _("applied"))
    per_month, almost = _("yuan per month"), _("Almost a match: one condition is just missed.")
    places: dict[str, str] = {}
    rows = []
    for m in matches:
        job = m.job
        if job.division not in places:
            places[job.division] = (division_name(job.division) or job.division) if job.division else ""
        salary = ""
        if job.salary_max:
            salary = format_html(" · {}–{} {}", job.salary_min or "", job.salary_max, per_month)
        rows.append(format_html(
            _JOB, near=" near-miss" if m.near_miss else "", pk=job.pk, url=url, title=job.title,
            applied=applied if m.applied else "", employer=job.enterprise.name, division=places[job.division],
            salary=salary, reasons=_reasons(m.reasons, m.near_miss, almost)))
    return rows


def candidate_rows(candidates: Iterable) -> list[SafeString]:
    """Each ranked candidate (``selectors.CandidateMatch``, its educations prefetched in graduation order) as the
    card the enterprise's job page shows: the name (a link to the application to this job, if any), the fit, the
    last education, whether the person applied."""
    url = reverse("recruitment:application-detail", args=[0]).removesuffix("0/")
    # the template's {% translate %} of a literal with "%" looked up the text with it doubled, then halved it
    fit_title = _("How well the person fits this job (0 to 100%%)").replace("%%", "%")
    applied_here, applied_elsewhere = _("applied"), _("applied to another of your jobs")
    almost = _("Almost a match: one condition is just missed.")
    majors = reference_names("majors")
    degrees = dict(Degree.choices)
    rows = []
    for m in candidates:
        talent = m.talent
        educations = list(talent.educations.all())
        education = ""
        if educations:
            last = educations[-1]
            major = f"{majors.get(last.major_code, '')} ({last.major_code})" if last.major_code else ""
            education = format_html('<span class="muted">{} · {}</span>', degrees.get(last.degree, last.degree),
                                    major)
        if m.application:
            name = format_html('<a href="{}{}/">{}</a>', url, m.application.pk, talent.name)
            applied = format_html(' · <a href="{}{}/" class="badge">{}</a>', url, m.application.pk, applied_here)
        else:
            name = talent.name
            applied = (format_html(' <span class="badge">{}</span>', applied_elsewhere)
                       if m.applied_to_enterprise else "")
        pct = "" if m.score is None else f"{round(float(m.score) * 100)}%"
        rows.append(format_html(
            _CANDIDATE, near=" near-miss" if m.near_miss else "", pk=talent.pk, name=name, fit_title=fit_title,
            fit=mark_safe(_("fit %(pct)s") % {"pct": escape(pct)}), education=education, applied=applied,
            reasons=_reasons(m.reasons, m.near_miss, almost)))
    return rows
