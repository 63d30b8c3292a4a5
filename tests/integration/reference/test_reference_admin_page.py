"""Administrator 3: load or update reference data; see its source and version."""

from __future__ import annotations

import pytest
from django.urls import reverse

from talentpool.accounts.models import Role
from talentpool.core.models import AuditAction, AuditEvent
from talentpool.reference.models import Division, ReferenceSource
from talentpool.reference.tables import TABLES

pytestmark = pytest.mark.django_db

LIST = reverse("reference:source-list")
LOAD = reverse("reference:source-load")


def test_admin_sees_every_table_not_loaded_then_loads_them(make_user, client_for):
    admin = client_for(make_user(Role.ADMIN))
    page = admin.get(LIST)
    assert page.status_code == 200
    html = page.content.decode()
    for key in TABLES:
        assert f'id="source-{key}"' in html
    assert "GB/T 2260 行政区划代码" in html and "WTFPL v2" in html  # in the reader's language; licence as published
    assert f'action="{LOAD}"' in html

    response = admin.post(LOAD, follow=True)
    assert response.redirect_chain[-1] == (LIST, 302)
    assert ReferenceSource.objects.count() == len(TABLES)
    assert Division.objects.filter(code="330114").exists()
    html = response.content.decode()
    assert "2023年（截至2023年6月30日）" in html and "GB/T 4754-2017" in html
    event = AuditEvent.objects.get(action=AuditAction.REFERENCE_LOAD)
    assert set(event.detail) == set(TABLES)


def test_admin_loads_one_table(make_user, client_for):
    admin = client_for(make_user(Role.ADMIN))
    admin.post(LOAD, {"only": "majors"})
    assert list(ReferenceSource.objects.values_list("key", flat=True)) == ["majors"]


def test_admin_gets_a_message_for_an_unknown_table(make_user, client_for):
    admin = client_for(make_user(Role.ADMIN))
    response = admin.post(LOAD, {"only": "planets"}, follow=True)
    assert response.status_code == 200
    assert "planets" in response.content.decode()
    assert not ReferenceSource.objects.exists()


def test_load_needs_post(make_user, client_for):
    assert client_for(make_user(Role.ADMIN)).get(LOAD).status_code == 405


@pytest.mark.parametrize("role", [Role.OFFICER, Role.TALENT, Role.ENTERPRISE])
def test_other_roles_are_refused_and_nothing_changes(make_user, client_for, role):
    client = client_for(make_user(role))
    assert client.get(LIST).status_code == 403
    assert client.post(LOAD).status_code == 403
    assert not ReferenceSource.objects.exists() and not Division.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.REFERENCE_LOAD).exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get(LIST)
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.post(LOAD).status_code == 302
    assert not ReferenceSource.objects.exists()
