"""The bank-account form shows all of its refusals at once, each beside its field, and keeps what was typed."""

from __future__ import annotations

import re

from talentpool.payments.models import BankAccount


def test_a_wrong_holder_and_a_short_number_are_both_shown_and_the_bank_kept(world, client_for):
    page = client_for(world.talent_user)
    response = page.post("/payments/mine/", {"holder": "王芳", "bank_name": "杭州银行科技支行", "number": "6217 0012"})
    html = response.content.decode()
    assert response.status_code == 400 and not BankAccount.objects.exists()
    beside = dict(re.findall(r'data-field="([a-z_]+)" id="[a-z_]+-error">([^<]+)<', html))
    assert set(beside) == {"holder", "number"}
    assert "李明" in beside["holder"] and "12" in beside["number"]
    assert 'value="王芳"' in html and 'value="杭州银行科技支行"' in html and 'value="6217 0012"' in html
    empty = page.post("/payments/mine/", {"holder": "李明", "bank_name": " ", "number": "12"})
    assert set(re.findall(r'data-field="([a-z_]+)" id="', empty.content.decode())) == {"bank_name", "number"}
