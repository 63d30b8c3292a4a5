"""Enterprise journey: post a job, see ranked candidates with reasons, move one through an interview to a hire.
Talent journey: the job is recommended with reasons, apply, get the interview invitation. Officer: the hire shows
in the recruitment overview."""

import datetime as dt

import pytest
from factories.world import build_world

from talentpool.recruitment import services
from talentpool.recruitment.matching import index_reset
from talentpool.recruitment.models import Application, Job
from talentpool.registry.models import Employment

pytestmark = pytest.mark.browser

# Explicit dates, far enough ahead to stay in the future: the test reads no clock. (The server's clock is not
# moved with time-machine here: Chromium judges cookie expiry by the real one.)
INTERVIEW_DAY = dt.date(2099, 3, 10)
START_DAY = dt.date(2099, 4, 1)


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    from talentpool.reference.services import reference_load

    settings.TALENTPOOL_MATCHING_DIR = tmp_path / "matching"
    index_reset()
    reference_load(only=["divisions", "majors", "occupations"])
    w = build_world()
    services.profile_save(actor=w.talent_user, resume="计算机科学与技术硕士，做过推荐系统，熟悉Python、Django和MySQL。",
                          skills=["Python", "Django", "MySQL"], desired_occupations=["2-02-10-03"],
                          desired_divisions=["330100"], salary_min=12000, salary_max=25000, consent_search=True)
    yield w
    index_reset()


def test_enterprise_posts_ranks_interviews_and_hires_talent_applies_officer_sees(page, shot, login, world):
    login(page, world.hr)
    page.click("nav a[href='/recruitment/my-jobs/']")
    page.click("#post-job")
    page.fill("#title", "Python后端开发工程师")
    page.fill("#description", "负责推荐系统后端服务开发，使用Python、Django和MySQL，参与微服务架构设计。")
    page.fill("#occupation_code", "2-02-10-03")
    page.select_option("#min_degree", "bachelor")
    page.fill("#salary_min", "12000")
    page.fill("#salary_max", "20000")
    page.fill("#accepted_majors", "0809")
    page.fill("#skills", "Python, Django, MySQL")
    shot(page, "post-job")
    page.click("#job-form button[type=submit]")
    shot(page, "job-with-candidates")
    job = Job.objects.get(title="Python后端开发工程师")
    assert job.status == "open"
    first = page.locator("#candidates li").first
    assert first.get_attribute("data-talent") == str(world.talent.pk)
    assert first.locator(".reasons li").count() >= 2

    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, world.talent_user)
    page.click("nav a[href='/recruitment/jobs/']") if page.locator("nav a[href='/recruitment/jobs/']").is_visible() \
        else page.goto("/recruitment/jobs/")
    shot(page, "recommended")
    card = page.locator(f"#recommended li[data-job='{job.pk}']")
    assert card.count() == 1 and card.locator(".reasons li").count() >= 2
    card.locator("h2 a").click()
    page.fill("#message", "期待加入贵公司")
    page.click("#apply-form button[type=submit]")
    shot(page, "applied")
    app = Application.objects.get(job=job, talent=world.talent)

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 860})
    login(page, world.hr)
    page.goto(f"/recruitment/my-jobs/{job.pk}/pipeline/")
    shot(page, "pipeline")
    page.click(f"#kanban [data-application='{app.pk}'] a")
    page.fill("#starts_at", f"{INTERVIEW_DAY.isoformat()}T10:00")
    page.fill("#ends_at", f"{INTERVIEW_DAY.isoformat()}T11:00")
    page.fill("#video_link", "https://meeting.example.com/abc")
    page.fill("#interviewers", "张经理, 王总监")
    page.click("#interview-form button[type=submit]")
    shot(page, "interview-scheduled")
    assert page.locator("#app-stage").get_attribute("data-stage") == "interview"

    # the talent accepts the slot; the calendar file says so
    world.talent_user.email = "liming@example.com"  # the invitation names the talent as its attendee
    world.talent_user.save()
    page.context.clear_cookies()
    login(page, world.talent_user)
    page.goto("/recruitment/applications/mine/")
    shot(page, "talent-applications")
    assert page.locator("#my-interviews li").count() == 1
    page.click(f"#applications a[href='/recruitment/applications/mine/{app.pk}/']")
    page.click("#interviews .confirm-slot")
    shot(page, "slot-accepted")
    assert page.locator("#interviews [data-confirmed='1']").count() == 1
    page.goto("/recruitment/applications/mine/")
    ics_url = page.locator("#my-interviews a:has-text('.ics')").get_attribute("href")
    ics = page.request.get(ics_url)
    assert ics.ok and "BEGIN:VCALENDAR" in ics.text() and "https://meeting.example.com/abc" in ics.text()
    assert "PARTSTAT=ACCEPTED" in ics.text().replace("\r\n ", "")  # the talent's acceptance

    # HR hires before the interview: the interview closes (the talent's calendar drops it)
    page.context.clear_cookies()
    login(page, world.hr)
    page.goto(f"/recruitment/applications/{app.pk}/")
    page.fill("#start_date", START_DAY.isoformat())
    page.click("#hire")
    shot(page, "hired")
    assert page.locator("#app-stage").get_attribute("data-outcome") == "hired"
    assert "已录用" in page.locator(".messages").inner_text()
    assert Employment.objects.filter(talent=world.talent, enterprise=job.enterprise, position=job.title,
                                     start_date=START_DAY).exists()

    page.context.clear_cookies()
    login(page, world.talent_user)
    page.goto("/recruitment/applications/mine/")
    shot(page, "talent-hired")
    assert page.locator("#my-interviews li").count() == 0
    assert "METHOD:CANCEL" in page.request.get(ics_url).text()
    page.goto("/notices/")
    assert page.locator("#notices li").count() >= 2

    page.context.clear_cookies()
    login(page, world.officer)
    page.click("nav a[href='/recruitment/overview/']")
    shot(page, "overview")
    assert page.locator("#hires-this-month").get_attribute("data-count") == "1"
    page.click("a[href='/recruitment/district-jobs/']")
    page.click(f"#district-jobs tr[data-job='{job.pk}'] a")
    page.fill("#note", "薪资描述需核实")
    page.click("#moderate-form button[type=submit]")
    shot(page, "moderated")
    assert page.locator("#hidden").count() == 1
    job.refresh_from_db()
    assert job.hidden and job.moderation_note == "薪资描述需核实"
