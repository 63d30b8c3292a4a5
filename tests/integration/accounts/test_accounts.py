import pytest
from factories.world import PASSWORD

from talentpool.accounts.models import User
from talentpool.core.models import AuditEvent


def _login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_lands_on_the_role_home(client, world):
    response = _login(client, "officer", PASSWORD)
    assert response.status_code == 302
    assert client.get("/", follow=True).request["PATH_INFO"] == "/registry/talents/"
    client.post("/accounts/logout/")
    _login(client, "hr", PASSWORD)
    assert client.get("/", follow=True).request["PATH_INFO"] == "/registry/my-enterprise/"


def test_wrong_password_then_lockout_after_five_failures(client, world, settings):
    for _ in range(4):
        response = _login(client, "grad", "wrong-password")
        assert response.status_code == 200 and "form" in response.context
    response = _login(client, "grad", "wrong-password")  # fifth failure locks
    assert response.status_code == 429
    # even the right password is refused while locked
    assert _login(client, "grad", PASSWORD).status_code == 429


def test_admin_unlocks_a_locked_account(client, world):
    for _ in range(5):
        _login(client, "grad", "nope-nope")
    admin = client.__class__()
    admin.force_login(world.admin)
    page = admin.get(f"/accounts/users/{world.talent_user.pk}/").content.decode()
    assert 'id="unlock"' in page
    admin.post(f"/accounts/users/{world.talent_user.pk}/unlock/")
    assert AuditEvent.objects.filter(action="unlock", target=f"user:{world.talent_user.pk}").count() == 1
    assert _login(client, "grad", PASSWORD).status_code == 302


def test_admin_resets_a_password(client, world):
    client.force_login(world.admin)
    response = client.post(f"/accounts/users/{world.hr.pk}/password/", follow=True)
    message = [str(m) for m in response.context["messages"]][0]
    new_password = message.rsplit(" ", 1)[-1].split("：")[-1].strip()
    world.hr.refresh_from_db()
    assert world.hr.check_password(new_password) and not world.hr.check_password(PASSWORD)
    assert AuditEvent.objects.filter(action="password_reset").count() == 1


def test_admin_creates_an_officer_and_scope_is_required(client, world):
    client.force_login(world.admin)
    response = client.post("/accounts/users/new/", {"username": "newofficer", "role": "officer", "scope_division": "",
                                                    "is_active": "on"})
    assert response.status_code == 200 and not User.objects.filter(username="newofficer").exists()
    response = client.post("/accounts/users/new/", {"username": "newofficer", "role": "officer",
                                                    "scope_division": "330106", "is_active": "on"})
    assert response.status_code == 302
    assert User.objects.get(username="newofficer").scope_prefix == "330106"


def test_password_change(client, world):
    client.force_login(world.talent_user)
    response = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "a-much-better-pass-42",
                                                   "new_password2": "a-much-better-pass-42"})
    assert response.status_code == 302
    world.talent_user.refresh_from_db()
    assert world.talent_user.check_password("a-much-better-pass-42")


@pytest.mark.parametrize(("scope", "prefix"), [("330106", "330106"), ("330100", "3301"), ("330000", "33")])
def test_scope_prefix(scope, prefix):
    assert User(role="officer", scope_division=scope).scope_prefix == prefix


def test_english_switch(client, world):
    client.force_login(world.officer)
    zh = client.get("/registry/talents/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/registry/talents/"})
    en = client.get("/registry/talents/").content.decode()
    assert "人才库" in zh and 'lang="zh-hans"' in zh
    assert "Talent registry" in en and 'lang="en"' in en
