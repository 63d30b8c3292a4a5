"""Account services check the acting user themselves (a view or command that forgets cannot open a door)."""

from __future__ import annotations

import pytest

from talentpool.accounts.models import Role
from talentpool.accounts.services import user_password_reset, user_save, user_unlock
from talentpool.core.errors import PermissionDeniedError
from talentpool.core.models import AuditEvent


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.TALENT, Role.ENTERPRISE, Role.OFFICER])
def test_only_an_administrator_manages_accounts(make_user, role):
    actor = make_user(role)
    victim = make_user(Role.TALENT)
    before = (victim.password, AuditEvent.objects.count())
    with pytest.raises(PermissionDeniedError):
        user_password_reset(actor=actor, user=victim)
    with pytest.raises(PermissionDeniedError):
        user_unlock(actor=actor, user=victim)
    victim.display_name = "改名"
    with pytest.raises(PermissionDeniedError):
        user_save(actor=actor, user=victim, changed_fields=["display_name"])
    victim.refresh_from_db()
    assert (victim.password, AuditEvent.objects.count()) == before
    assert victim.display_name != "改名"


@pytest.mark.django_db
def test_an_administrators_change_is_audited_with_the_new_users_key(make_user):
    admin = make_user(Role.ADMIN)
    user = type(admin)(username="newperson", role=Role.TALENT)
    user_save(actor=admin, user=user, changed_fields=["username", "role"])
    event = AuditEvent.objects.get(target=f"user:{user.pk}")
    assert (event.actor_id, event.detail["created"]) == (admin.pk, True)
