import pytest
from factories.world import PASSWORD

from talentpool.accounts.models import User
from talentpool.core.models import AuditEvent


def _login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_lands_on_the_role_home(client, world):
    response = _login(client, "officer", PASSWORD)
    assert response.status_code == 302
    home = client.get("/", follow=True)  # the role's home: what needs attention, then its pages
    assert home.request["PATH_INFO"] == "/" and 'href="/registry/talents/"' in home.content.decode()
    assert 'href="/registry/my-enterprise/"' not in home.content.decode()
    client.post("/accounts/logout/")
    _login(client, "hr", PASSWORD)
    home = client.get("/", follow=True)
    assert home.request["PATH_INFO"] == "/" and 'href="/registry/my-enterprise/"' in home.content.decode()
    assert 'href="/registry/talents/"' not in home.content.decode()


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


@pytest.mark.usefixtures("no_page_cache")
def test_the_user_list_marks_the_locked_accounts_in_one_query(client, world, django_assert_max_num_queries):
    for _ in range(5):
        _login(client, "grad", "nope-nope")
    admin = client.__class__()
    admin.force_login(world.admin)
    admin.get("/accounts/users/")
    with django_assert_max_num_queries(4):  # the user with its unread notices, count, page, locked accounts
        response = admin.get("/accounts/users/")
    assert response.context["locked"] == {world.talent_user.pk}
    assert len(response.context["page"]) > 3


def _reset(client, world, user):
    client.force_login(world.admin)
    response = client.post(f"/accounts/users/{user.pk}/password/")
    assert response.status_code == 200
    return response, response.context["password"]


def test_admin_reset_shows_the_password_once_on_the_answer_and_nowhere_else(client, world):
    response, new_password = _reset(client, world, world.hr)
    assert f'<code id="new-password">{new_password}</code>' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert new_password not in str(response.cookies)  # not in the messages cookie (nor any other)
    assert new_password not in str(dict(client.session.items()))
    assert new_password not in client.get(f"/accounts/users/{world.hr.pk}/").content.decode()
    world.hr.refresh_from_db()
    assert world.hr.check_password(new_password) and not world.hr.check_password(PASSWORD)
    assert world.hr.must_change_password
    assert AuditEvent.objects.filter(action="password_reset", target=f"user:{world.hr.pk}").count() == 1


def test_a_reset_password_must_be_changed_before_anything_else(client, world):
    _response, one_time = _reset(client.__class__(), world, world.hr)
    assert _login(client, "hr", one_time).status_code == 302
    for path in ("/", "/registry/my-enterprise/", "/notices/", "/accounts/users/"):
        response = client.get(path)
        assert (response.status_code, response["Location"]) == (302, "/accounts/password/"), path
    api = client.get("/api/v1/accounts/me")
    assert api.status_code == 403 and api.json()["error"]["code"] == "password_change_required"
    page = client.get("/accounts/password/")
    assert page.status_code == 200 and 'id="password-change-required"' in page.content.decode()

    response = client.post("/accounts/password/", {"old_password": one_time, "new_password1": "my-own-pass-2026",
                                                   "new_password2": "my-own-pass-2026"})
    assert (response.status_code, response["Location"]) == (302, "/accounts/password/done/")
    world.hr.refresh_from_db()
    assert world.hr.check_password("my-own-pass-2026") and not world.hr.must_change_password
    assert client.get("/registry/my-enterprise/").status_code == 200  # still signed in, free to go
    event = AuditEvent.objects.get(action="user_change", target=f"user:{world.hr.pk}")
    assert (event.actor_id, event.detail) == (world.hr.pk, {"fields": ["password"], "forced": True})


def test_signing_out_stays_possible_while_a_change_is_pending(client, world):
    _response, one_time = _reset(client.__class__(), world, world.hr)
    _login(client, "hr", one_time)
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/registry/my-enterprise/")["Location"].startswith("/accounts/login/")


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
