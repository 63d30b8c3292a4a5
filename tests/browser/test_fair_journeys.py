"""Fair journeys. Registrant (on a phone): register with a train, see the timetable and the QR ticket, get the
late-train update; book an online booth's slot at a cloud fair. HR: apply for a booth, see the queue (and a cloud
booth's slots), record an intent. Officer: create and publish a fair, approve the booth, plan the interviews,
watch the live dashboard refresh, open the report, use the tour planner.

The fair is in 2099 (the server's clock is not moved: Chromium judges cookie expiry by the real one)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from factories.world import build_world
from playwright.sync_api import expect

from talentpool.fairs import scheduling, services
from talentpool.fairs.models import Booth, BoothStatus, Fair, FairKind, FairStatus, Intent, Registration, Slot
from talentpool.recruitment.models import Job, JobStatus

pytestmark = pytest.mark.browser

CHINA = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2099, 3, 10)


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(DAY, dt.time(hour, minute), CHINA)


@pytest.fixture
def world(transactional_db):
    return build_world()


def _fair(world, *, booth_status=BoothStatus.APPROVED) -> tuple[Fair, Booth]:
    fair = Fair.objects.create(kind=FairKind.STATION, title="东站招聘会", venue="东站", division="330106",
                               starts_at=at(9), ends_at=at(13), status=FairStatus.PUBLISHED, created_by=world.officer)
    booth = Booth.objects.create(fair=fair, enterprise=world.hr.enterprise, status=booth_status, interviewers=1,
                                 opens_at=at(9), closes_at=at(13), stand="A01")
    return fair, booth


def test_registrant_registers_with_a_train_sees_timetable_and_the_late_train_update(page, shot, login, world):
    fair, booth = _fair(world)
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, world.talent_user)
    page.goto("/fairs/mine/")
    form = page.locator(f"form[data-fair='{fair.pk}']")
    form.locator("input[name=train_number]").fill("G7311")
    form.locator("input[name=arrival_at]").fill("2099-03-10T08:40")
    form.locator("input[name=consent]").check()
    shot(page, "register-with-train")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    reg = Registration.objects.get(talent=world.talent)
    assert (reg.train_number, reg.arrival_at, reg.state) == ("G7311", at(8, 40), "confirmed")
    page.locator(f"#choices input[value='{booth.pk}']").check()
    with page.expect_navigation():
        page.click("#choices button[type=submit]")
    scheduling.fair_schedule(actor=world.officer, fair_id=fair.pk, time_limit=1)
    page.reload()
    shot(page, "timetable-and-ticket")
    assert "09:00–09:20" in page.locator("#timetable").inner_text()
    assert page.locator("#ticket svg").is_visible()
    page.fill("#late-train input[name=arrival_at]", "2099-03-10T10:05")
    with page.expect_navigation():
        page.click("#late-train button[type=submit]")
    shot(page, "late-train-update")
    assert "10:20–10:40" in page.locator("#timetable").inner_text()
    page.goto("/notices/")
    assert "东站招聘会" in page.locator("main").inner_text()


def test_hr_applies_for_a_booth_sees_the_queue_and_records_an_intent(page, shot, login, world):
    fair, _booth = _fair(world)
    Booth.objects.all().delete()
    job = Job.objects.create(enterprise=world.hr.enterprise, title="Python开发", occupation_code="2-02-10-03",
                             division="330106", status=JobStatus.OPEN)
    login(page, world.hr)
    page.click("nav a[href='/fairs/booths/']")
    page.fill("#booth-apply input[name=interviewers]", "2")
    page.locator(f"#booth-apply input[name=jobs][value='{job.pk}']").check()
    shot(page, "booth-application")
    with page.expect_navigation():
        page.click("#booth-apply button[type=submit]")
    booth = Booth.objects.get(fair=fair)
    assert (booth.status, booth.interviewers, list(booth.jobs.all())) == ("pending", 2, [job])
    services.booth_decide(actor=world.officer, booth_id=booth.pk, approve=True)
    reg = services.register(actor=world.talent_user, fair_id=fair.pk, consent=True, arrival_at=at(8))
    services.choices_set(actor=world.talent_user, registration_id=reg.pk, picks=[{"booth": booth.pk}])
    scheduling.fair_schedule(actor=world.officer, fair_id=fair.pk, time_limit=1)
    slot = Slot.objects.get()
    page.goto(f"/fairs/booths/{booth.pk}/")
    row = page.locator(f"tr[data-slot='{slot.pk}']")
    assert "李明" in row.inner_text()
    row.locator("select[name=level]").select_option("strong")
    row.locator("input[name=note]").fill("基础扎实")
    shot(page, "queue-intent")
    with page.expect_navigation():
        row.locator("button[type=submit]").click()
    shot(page, "intent-recorded")
    assert Intent.objects.get().level == "strong"


def test_officer_creates_publishes_schedules_watches_live_and_reports(page, shot, login, world):
    login(page, world.officer)
    page.click("nav a[href='/fairs/office/']")
    page.select_option("#fair-new select[name=kind]", "station")
    page.fill("#fair-new input[name=title]", "西站招聘会")
    page.fill("#fair-new input[name=starts_at]", "2099-03-10T09:00")
    page.fill("#fair-new input[name=ends_at]", "2099-03-10T13:00")
    shot(page, "create-fair")
    with page.expect_navigation():
        page.click("#fair-new button[type=submit]")
    fair = Fair.objects.get(title="西站招聘会")
    with page.expect_navigation():
        page.click("#publish")
    assert Fair.objects.get(pk=fair.pk).status == "published"
    booth = Booth.objects.create(fair=fair, enterprise=world.hr.enterprise, interviewers=1, opens_at=at(9),
                                 closes_at=at(13))
    reg = services.register(actor=world.talent_user, fair_id=fair.pk, consent=True, arrival_at=at(8))
    page.reload()
    with page.expect_navigation():
        page.click(f"tr[data-booth='{booth.pk}'] button[value=approve]")
    services.choices_set(actor=world.talent_user, registration_id=reg.pk, picks=[{"booth": booth.pk}])
    page.fill("input[name=time_limit]", "1")
    with page.expect_navigation():
        page.click("#schedule")
    shot(page, "scheduled")
    assert page.locator("#schedule-run").is_visible()
    assert Slot.objects.filter(fair=fair).count() == 1
    page.click(f"a[href='/fairs/office/{fair.pk}/live/']")
    page.wait_for_selector("#live[data-poll-loaded]")
    assert page.locator("[data-field=checked_in]").inner_text() == "0"
    services.check_in(actor=world.talent_user, token=reg.qr_token)
    expect(page.locator("[data-field=checked_in]")).to_have_text("1", timeout=15_000)  # the 10 s poll
    shot(page, "live-dashboard-refreshed")
    page.goto(f"/fairs/office/{fair.pk}/report/")
    assert page.locator("#totals").is_visible()
    with page.expect_download() as download:
        page.click("#report-xlsx")
    assert download.value.suggested_filename == f"fair-{fair.pk}-report.xlsx"
    page.goto("/fairs/office/tours/")
    assert page.locator("#tour-query").is_visible()
    shot(page, "tour-planner")


def test_registrant_books_a_cloud_booths_slot_on_the_phone_and_hr_sees_it(page, shot, login, world):
    fair = Fair.objects.create(kind=FairKind.CLOUD, title="云端双选会", division="330106", starts_at=at(10),
                               ends_at=at(12), status=FairStatus.PUBLISHED, created_by=world.officer)
    job = Job.objects.create(enterprise=world.hr.enterprise, title="Python开发", occupation_code="2-02-10-03",
                             division="330106", status=JobStatus.OPEN)
    booth = Booth.objects.create(fair=fair, enterprise=world.hr.enterprise, status=BoothStatus.APPROVED,
                                 interviewers=1, opens_at=at(10), closes_at=at(11), slot_minutes=30,
                                 video_link="https://meet.example.cn/xihu")
    booth.jobs.set([job])
    reg = services.register(actor=world.talent_user, fair_id=fair.pk, consent=True)
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, world.talent_user)
    page.goto(f"/fairs/mine/{reg.pk}/")
    card = page.locator(f"#cloud-booths [data-booth='{booth.pk}']")
    card.locator("select[name=starts_at]").select_option("2099-03-10T10:30:00+08:00")
    shot(page, "cloud-booking")
    with page.expect_navigation():
        card.locator("button").click()
    assert "10:30–11:00" in page.locator("#timetable").inner_text()
    assert page.locator("#timetable a[href='https://meet.example.cn/xihu']").is_visible()
    assert Slot.objects.get(registration=reg).starts_at == at(10, 30)
    page.context.clear_cookies()
    login(page, world.hr)
    page.goto(f"/fairs/booths/{booth.pk}/")
    shot(page, "cloud-booth-slots")
    assert "1 / 1" in page.locator("#booth-slots").inner_text()
    with page.expect_navigation():
        page.click("#invite")
    assert reg.talent.applications.get().interviews.get().video_link == "https://meet.example.cn/xihu"
