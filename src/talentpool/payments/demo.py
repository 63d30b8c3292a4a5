"""Demo bank accounts: most demo talents have one on file (valid UnionPay-style card numbers with a Luhn check
digit), a few have none, so the batch page shows what happens to them."""

from __future__ import annotations

import random

from django.db import connection
from django.utils import timezone
from stdnum import luhn

from talentpool.core.crypto import encrypt_text
from talentpool.registry.models import Talent

from .models import BankAccount
from .services import account_number_masked

BANKS = ("中国工商银行杭州西湖支行", "中国建设银行杭州分行", "中国农业银行杭州城西支行", "中国银行浙江省分行",
         "杭州银行科技支行", "浙商银行杭州分行", "招商银行杭州分行", "交通银行杭州西湖支行")
WITHOUT_ACCOUNT = 0.03


def demo_card_number(rng: random.Random) -> str:
    body = "621" + "".join(rng.choice("0123456789") for _ in range(15))
    return body + luhn.calc_check_digit(body)


def demo_bank_accounts(*, first_talent_id: int, seed: int, keep: set[int] = frozenset()) -> int:
    """Accounts for the demo talents from ``first_talent_id`` on (those in ``keep`` always get one)."""
    rng = random.Random(seed * 7919 + 17)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = []
    for tid, name in Talent.objects.filter(id__gte=first_talent_id).order_by("id").values_list("id", "name"):
        number = demo_card_number(rng)
        if tid not in keep and rng.random() < WITHOUT_ACCOUNT:
            continue
        rows.append((tid, name, rng.choice(BANKS), encrypt_text(number), account_number_masked(number), now))
    table = connection.ops.quote_name(BankAccount._meta.db_table)
    sql = (f"INSERT INTO {table} (talent_id, holder, bank_name, number_encrypted, number_masked, updated_at) "
           "VALUES (%s, %s, %s, %s, %s, %s)")
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start:start + 5000])
    return len(rows)
