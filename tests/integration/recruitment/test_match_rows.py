"""The job and candidate cards made in Python (recruitment.rows) are the HTML the templates' loops wrote, for
matches that exercise every branch: near misses, applied or not, with and without a salary, a known, unknown and
empty division, an application to this job or to another, educations or none, a score of none, text that must be
escaped, both languages."""

from __future__ import annotations

import pytest
from django.template import engines
from django.utils import translation

from talentpool.recruitment.models import Application, Job
from talentpool.recruitment.rows import candidate_rows, job_match_rows
from talentpool.recruitment.selectors import CandidateMatch, JobMatch
from talentpool.reference.models import Division
from talentpool.registry.models import Education, Enterprise, Talent

# recruitment/_reasons.html, which both loops included
REASONS = ('<ul class="reasons small">{% for r in m.reasons %}<li>{{ r }}</li>{% endfor %}</ul>{% if m.near_miss %}'
           '<p class="warn small">{% translate "Almost a match: one condition is just missed." %}</p>{% endif %}\n')

# the loop of recruitment/jobs.html before the cards were made in Python
OLD_JOBS = """{% load i18n talentpool %}{% for m in matches %}<li class="card{% if m.near_miss %} near-miss{% endif %}" data-job="{{ m.job.pk }}"><h2><a href="{% url 'recruitment:job-detail' m.job.pk %}">{{ m.job.title }}</a>{% if m.applied %} <span class="badge">{% translate "applied" %}</span>{% endif %}</h2>
<p class="muted">{{ m.job.enterprise.name }} · {{ m.job.division|division_name }}{% if m.job.salary_max %} · {{ m.job.salary_min|default:"" }}–{{ m.job.salary_max }} {% translate "yuan per month" %}{% endif %}</p>
""" + REASONS + "</li>{% endfor %}"

# the loop of recruitment/job_enterprise.html before the cards were made in Python
OLD_CANDIDATES = """{% load i18n talentpool %}{% for m in candidates %}<li class="card{% if m.near_miss %} near-miss{% endif %}" data-talent="{{ m.talent.pk }}">
  <p><strong>{% if m.application %}<a href="{% url 'recruitment:application-detail' m.application.pk %}">{{ m.talent.name }}</a>{% else %}{{ m.talent.name }}{% endif %}</strong> <span class="badge" title="{% translate 'How well the person fits this job (0 to 100%)' %}">{% blocktranslate with pct=m.score|percent %}fit {{ pct }}{% endblocktranslate %}</span> {% for e in m.talent.educations.all %}{% if forloop.last %}<span class="muted">{{ e.get_degree_display }} · {{ e.major_code|major_name }}</span>{% endif %}{% endfor %}
  {% if m.application %} · <a href="{% url 'recruitment:application-detail' m.application.pk %}" class="badge">{% translate "applied" %}</a>{% elif m.applied_to_enterprise %} <span class="badge">{% translate "applied to another of your jobs" %}</span>{% endif %}</p>
  """ + REASONS + "\n</li>{% endfor %}"

REASONS_TEXT = [["Words in common: Python、<Django>"], [], ["Skills in common", "O'Neil & co"]]


def _job_matches() -> list[JobMatch]:
    firms = [Enterprise(pk=1, name="西湖智造"), Enterprise(pk=2, name="<b>A&B</b> 科技")]
    out = []
    for i in range(6):
        job = Job(pk=10 + i, title=("Python后端", "成本会计 <急招>", "数据\"工程师\"")[i % 3], enterprise=firms[i % 2],
                  division=("330106", "999999", "")[i % 3], salary_min=(8000, None, 0)[i % 3],
                  salary_max=(14000, 20000, None)[i % 3])
        out.append(JobMatch(job, 0.5, i % 2 == 1, {}, REASONS_TEXT[i % 3], i % 3 == 0))
    return out


def _candidates() -> list[CandidateMatch]:
    out = []
    for i in range(6):
        talent = Talent(pk=100 + i, name=("张三", "<i>O'Neil</i>", "李四")[i % 3])
        educations = [Education(talent=talent, degree="bachelor", major_code="080902"),
                      Education(talent=talent, degree=("master", "doctor", "nope")[i % 3],
                                major_code=("080901", "", "999999")[i % 3])][: i % 3]
        talent._prefetched_objects_cache = {"educations": educations}
        application = Application(pk=500 + i) if i % 3 == 0 else None
        out.append(CandidateMatch(talent, None, (0.834, None, 0.005)[i % 3], i % 2 == 1, {}, REASONS_TEXT[i % 3],
                                  application, i % 3 != 2))
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_job_cards_are_the_template_cards(language):
    Division.objects.create(code="330106", name="西湖区", level="county")
    with translation.override(language):
        old = engines["django"].from_string(OLD_JOBS).render({"matches": _job_matches()})
        new = "".join(job_match_rows(_job_matches()))
    assert new == old
    assert "成本会计 &lt;急招&gt;" in new and "&lt;b&gt;A&amp;B&lt;/b&gt;" in new and "O&#x27;Neil &amp; co" in new


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_candidate_cards_are_the_template_cards(language):
    with translation.override(language):
        old = engines["django"].from_string(OLD_CANDIDATES).render({"candidates": _candidates()})
        new = "".join(candidate_rows(_candidates()))
    assert new == old
    assert "&lt;i&gt;O&#x27;Neil&lt;/i&gt;" in new and "/recruitment/applications/500/" in new
    assert "100%%" not in new and "83%" in new
