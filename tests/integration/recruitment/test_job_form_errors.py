"""The job form shows all of its errors at once, each beside its field, and keeps the rest of the input (it took
ten round trips to find them one by one)."""

from __future__ import annotations

import re

from talentpool.recruitment.models import Job


def test_every_error_of_the_job_form_is_shown_beside_its_field_at_once(client, rec):
    client.force_login(rec.world.hr)
    response = client.post("/recruitment/my-jobs/new/", {
        "title": "数据分析师", "description": "负责数据分析", "occupation_code": "9-99-99-99", "min_years": "-2",
        "salary_min": "20000", "salary_max": "10000", "headcount": "0", "deadline": "2020-01-01",
        "skills": "SQL, Python"})
    assert response.status_code == 400
    body = response.content.decode()
    fields = set(re.findall(r'class="bad field-error" role="alert" data-field="(\w+)"', body))
    assert {"occupation_code", "min_years", "salary_min", "headcount", "deadline"} <= fields
    assert 'value="数据分析师"' in body and 'value="SQL, Python"' in body
    assert not Job.objects.filter(title="数据分析师").exists()
