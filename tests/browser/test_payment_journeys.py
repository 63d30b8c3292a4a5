"""Officer journey: pay without applications (免申即享) — start a run, see its result, approve the candidates,
make a batch, export the bank file, import the bank's return with one failure. Talent journey: the paid
graduate sees "paid" and why; the one whose payment failed sees the bank's reason and a notice."""

import csv
import io
from datetime import date

import pytest
from factories.policies import publish_living_policy
from factories.world import PASSWORD, _user, build_world

from talentpool.accounts.models import Role
from talentpool.core.crypto import encrypt_text
from talentpool.eligibility.models import Entitlement, Status
from talentpool.payments.models import BankAccount
from talentpool.registry.models import Education, InsuranceRecord

pytestmark = pytest.mark.browser

ACCOUNT_LI = "6212345678901234569"
ACCOUNT_WANG = "6222020200112233446"


@pytest.fixture
def world(transactional_db, settings):
    from talentpool.policies.selectors import policy_cache_clear
    from talentpool.reference.services import reference_load

    settings.TALENTPOOL_TWO_PERSON_ABOVE = "1000000.00"
    reference_load(only=["divisions"])
    policy_cache_clear()
    w = build_world()
    publish_living_policy()
    # 王芳 graduated too (full-time: her job starts after), and has an account of her own
    w.colleague.employments.update(start_date=date(2024, 7, 15))
    Education.objects.create(talent=w.colleague, degree="bachelor", university_code="4133010335", major_code="080901",
                             graduation_date=date(2024, 6, 30))
    InsuranceRecord.objects.create(talent=w.colleague, from_month=date(2024, 7, 1), to_month=date(2025, 6, 1),
                                   division="330106")
    w.colleague.user = _user("wangfang", Role.TALENT, display_name="王芳", email="wangfang@example.com")
    w.colleague.save()
    for talent, number in ((w.talent, ACCOUNT_LI), (w.colleague, ACCOUNT_WANG)):
        BankAccount.objects.create(talent=talent, holder=talent.name, bank_name="杭州银行科技支行",
                                   number_encrypted=encrypt_text(number), number_masked=f"{number[:4]} **** {number[-4:]}")
    w.officer.is_payment_officer = True
    w.officer.save()
    return w


def test_officer_runs_approves_pays_and_talents_see_paid_and_failed(page, shot, login, world, tmp_path):
    login(page, world.officer)
    page.click("nav a[href='/payments/runs/']")
    shot(page, "runs")
    page.fill("#as_of", "2025-03-01")
    page.click("#run-form button[type=submit]")
    page.wait_for_selector("#run-summary")
    shot(page, "run-done")
    assert page.locator("#run-status").get_attribute("data-status") == "done"
    assert "2 new" in page.locator("#run-summary").get_attribute("data-summary")  # the line scripts read
    assert "2 条新记录" in page.locator("#run-summary").inner_text()  # the sentence people read
    assert page.locator("#run-report tr[data-policy='hz-graduate-living']").count() == 1

    page.click("#run-summary a.button")
    shot(page, "queue")
    assert page.locator("#queue tbody tr[data-line]").count() == 2
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("#approve-all")  # large effects ask first: dismissed, nothing changes
    assert "2" in asked[0] and Entitlement.objects.filter(status=Status.APPROVED).count() == 0
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#approve-all")
    shot(page, "approved")
    assert Entitlement.objects.filter(status=Status.APPROVED).count() == 2

    page.click("nav a[href='/payments/batches/']")
    page.click("#batch-form button[type=submit]")
    shot(page, "batch")
    assert page.locator("#batch-status").get_attribute("data-status") == "ready"
    with page.expect_download() as download:
        page.click("#bank-file a:has-text('CSV')")
    path = tmp_path / "bank.csv"
    download.value.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["参考号", "户名", "账号"] and len(rows) == 3
    by_name = {r[1]: r for r in rows[1:]}
    assert by_name["李明"][2] == ACCOUNT_LI and by_name["王芳"][2] == ACCOUNT_WANG

    back = tmp_path / "回盘.csv"
    with back.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["参考号", "金额", "结果", "原因"])
        out.writerow([by_name["李明"][0], by_name["李明"][4], "成功", ""])
        out.writerow([by_name["王芳"][0], by_name["王芳"][4], "失败", "账户已冻结"])
    page.reload()
    assert page.locator("#batch-status").get_attribute("data-status") == "ready"  # downloading changed nothing
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#mark-sent button[type=submit]")
    assert page.locator("#batch-status").get_attribute("data-status") == "sent"
    page.set_input_files("#return-form input[type=file]", str(back))
    page.click("#return-form button[type=submit]")
    shot(page, "return-imported")
    assert page.locator("#batch-status").get_attribute("data-status") == "closed"
    assert page.locator("#batch-lines .badge").all_inner_texts().count("已发放") == 1

    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, world.talent_user)
    page.goto("/payments/mine/")
    shot(page, "talent-paid")
    card = page.locator(".line.status-paid")
    assert card.count() == 1 and "已发放" in card.inner_text()
    card.locator("a").click()
    shot(page, "talent-why")
    assert page.locator(".explanation .ok").count() >= 1 and page.locator(".trace li.criterion-pass").count() >= 5

    page.context.clear_cookies()
    login(page, world.colleague.user)
    page.goto("/payments/mine/")
    shot(page, "talent-failed")
    assert "账户已冻结" in page.locator(".line.status-failed .failed-reason").inner_text()
    assert page.locator(".notices-link .count").count() == 1
    page.click(".notices-link")
    shot(page, "notices")
    assert page.locator("#notices li[data-kind='entitlement_failed']").count() == 1
    assert PASSWORD
