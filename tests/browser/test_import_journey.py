"""Officer journey 1: import a spreadsheet of talents, see each rejected row with its reason, fix and re-import."""

import sys
from datetime import date
from pathlib import Path

import pytest
from factories.world import build_world

from talentpool.registry.models import Talent

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration" / "imports"))
from import_helpers import TALENT_HEADER, rid, talent_row, write_xlsx  # noqa: E402

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db):
    from talentpool.reference.services import reference_load

    reference_load()
    return build_world()


def test_officer_imports_fixes_and_reimports(page, shot, login, world, tmp_path):
    good = [talent_row(f"导入{i}", rid(birth=date(1999, 1, 1 + i))) for i in range(3)]
    bad_checksum = rid(birth=date(2000, 2, 2))
    bad_checksum = bad_checksum[:-1] + ("1" if bad_checksum[-1] != "1" else "2")
    fixed = rid(birth=date(2000, 2, 2))
    rows = [TALENT_HEADER, *good, talent_row("错号", bad_checksum, gender="男" if int(fixed[16]) % 2 else "女"), talent_row("错区", fixed, hukou="999999")]
    first = write_xlsx(tmp_path / "人才名单.xlsx", rows)

    login(page, world.officer)
    page.goto("/registry/imports/")
    shot(page, "import-page")
    page.select_option("#id_kind", "talents")
    page.set_input_files("#id_file", str(first))
    page.click("#import-form button[type=submit]")
    page.wait_for_url("**/registry/imports/*/")
    shot(page, "first-import-result")
    assert "5 rows: 3 new, 0 updated, 0 unchanged, 2 rejected" == page.locator("#import-summary").get_attribute("data-summary")
    errors = page.locator("#import-errors tbody tr")
    assert errors.count() == 2
    assert "5" in errors.nth(0).inner_text() or "5" in errors.nth(1).inner_text()  # row numbers as in the sheet
    text = page.locator("#import-errors").inner_text()
    assert "999999" in text  # the unknown hukou code is named with its value

    rows[4] = talent_row("错号", fixed)
    rows[5] = talent_row("错区", rid(birth=date(2001, 3, 3)), hukou="330106")
    second = write_xlsx(tmp_path / "人才名单-修正.xlsx", rows)
    page.goto("/registry/imports/")
    page.select_option("#id_kind", "talents")
    page.set_input_files("#id_file", str(second))
    page.click("#import-form button[type=submit]")
    page.wait_for_url("**/registry/imports/*/")
    shot(page, "fixed-import-result")
    assert "5 rows: 2 new, 0 updated, 3 unchanged, 0 rejected" == page.locator("#import-summary").get_attribute("data-summary")
    assert Talent.objects.filter(name__in=["错号", "错区"]).count() == 2
    page.goto("/registry/imports/")
    shot(page, "import-history")
    assert page.locator("#import-history tbody tr").count() == 2
