"""The one way a service writes (``core.audit.audited``): the change and its audit event commit together or not
at all, and notices go out only for a change that committed."""

from __future__ import annotations

import pytest

from talentpool.accounts.models import Role
from talentpool.core.audit import audited
from talentpool.core.models import AuditAction, AuditEvent, Notice
from talentpool.core.notices import Message, notify
from talentpool.registry.models import Talent


class Unstorable:
    """A value the audit trail's JSON column cannot hold: writing the event fails."""


@pytest.mark.django_db(transaction=True)
def test_a_failing_audit_write_rolls_the_change_back(make_user):
    officer = make_user(Role.OFFICER)
    target = make_user(Role.TALENT)
    before = AuditEvent.objects.count()
    with pytest.raises(TypeError):
        with audited(actor=officer, action=AuditAction.RECORD_CHANGE, target=f"user:{target.pk}") as entry:
            type(target).objects.filter(pk=target.pk).update(display_name="改过的名字")
            entry.detail = {"bad": Unstorable()}
    target.refresh_from_db()
    assert target.display_name != "改过的名字"
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_a_failing_change_records_no_event_and_tells_nobody(make_user, mailoutbox):
    officer = make_user(Role.OFFICER)
    talent = make_user(Role.TALENT, email="t@example.com")
    with pytest.raises(RuntimeError):
        with audited(actor=officer, action=AuditAction.RECORD_CHANGE, target="x"):
            notify([Message(talent.pk, "test", "不应送达")])
            raise RuntimeError("the change failed half-way")
    assert not AuditEvent.objects.filter(target="x").exists()
    assert not Notice.objects.filter(user=talent).exists()
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_has_its_event_and_its_notice_is_sent_after_commit(make_user, mailoutbox):
    officer = make_user(Role.OFFICER)
    talent = make_user(Role.TALENT, email="t@example.com")
    with audited(actor=officer, action=AuditAction.RECORD_CHANGE, target="y") as entry:
        notify([Message(talent.pk, "test", "已处理")])
        assert mailoutbox == []  # not before the commit
        entry.detail["done"] = 1
    event = AuditEvent.objects.get(target="y")
    assert (event.actor_id, event.detail) == (officer.pk, {"done": 1})
    assert [m.subject for m in mailoutbox] == ["已处理"]


@pytest.mark.django_db
def test_a_body_that_changed_nothing_can_skip_its_event(make_user):
    officer = make_user(Role.OFFICER)
    with audited(actor=officer, action=AuditAction.RECORD_CHANGE, target="z") as entry:
        entry.skip = Talent.objects.filter(pk=-1).update(name="无") == 0
    assert not AuditEvent.objects.filter(target="z").exists()
