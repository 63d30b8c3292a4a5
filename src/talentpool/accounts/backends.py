"""The sign-in backend: Django's model backend, whose per-request user load also counts the user's unread notices.

Every signed-in page shows the unread badge (web/navigation.py), so the count rides in the query that loads the user
for the request (a correlated count on the ``notice_user_unread`` index) instead of costing a query of its own.
``core.notices.unread_count`` takes it from there; it is as fresh as the request, like the count it replaces.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from talentpool.core.models import Notice

from .models import User

PATH = "talentpool.accounts.backends.AccountBackend"
"""This backend's dotted path, as stored in sessions (tests sign clients in with it)."""


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        unread = (Notice.objects.filter(user=OuterRef("pk"), read_at__isnull=True).order_by()
                  .values("user").annotate(n=Count("pk")).values("n"))
        user = (User._default_manager
                .annotate(unread_notices_at_load=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)))
                .filter(pk=user_id).first())
        return user if user is not None and self.user_can_authenticate(user) else None
