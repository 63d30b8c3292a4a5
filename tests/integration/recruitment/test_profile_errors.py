"""The job profile form answers with all of its errors at once, each beside its field, the input kept."""

from talentpool.recruitment.models import JobProfile


def test_every_wrong_field_is_named_at_once_and_the_input_is_kept(client, rec):
    client.force_login(rec.world.talent_user)
    before = JobProfile.objects.get(talent=rec.world.talent).resume
    response = client.post("/recruitment/profile/", {
        "resume": "新的简历文本", "desired_occupations": "9-99-99-99", "desired_divisions": "999999",
        "salary_min": "20000", "salary_max": "10000", "years_experience": "abc", "available_from": "2026-13-40"})
    assert response.status_code == 400
    errors = response.context["errors"]
    assert {"desired_occupations", "desired_divisions", "salary_min", "years_experience", "available_from"} <= set(errors)
    page = response.content.decode()
    assert all(f'data-field="{name}"' in page for name in errors)
    assert "新的简历文本" in page and "9-99-99-99" in page  # the input is kept
    assert JobProfile.objects.get(talent=rec.world.talent).resume == before  # nothing saved
