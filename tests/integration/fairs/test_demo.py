"""The demo's fairs: a planned station fair, a campus tour and a cloud fair whose online booths offer the
``talent`` login slots to book."""

from __future__ import annotations

import datetime as dt

from talentpool.accounts.models import User
from talentpool.fairs import cloud
from talentpool.fairs.demo import demo_fairs
from talentpool.fairs.models import Booth, Fair, FairKind, Registration, Slot

from .conftest import NOW


def test_demo_fairs_include_a_cloud_fair_whose_slots_the_talent_can_book(fw):
    User.objects.filter(pk=fw.world.talent_user.pk).update(username="talent")
    made = demo_fairs(registrants=3, today=dt.date(2026, 3, 11), time_limit=1)
    assert sorted(Fair.objects.values_list("kind", flat=True)) == ["campus_tour", "cloud", "station"]
    assert made["interviews"] == Slot.objects.filter(fair__kind=FairKind.STATION).count()
    online = Fair.objects.get(kind=FairKind.CLOUD)
    assert not Booth.objects.filter(fair=online, video_link="").exists()
    reg = Registration.objects.get(fair=online, talent=fw.world.talent)
    openings = cloud.openings(reg, NOW)
    assert openings and all(o["times"] for o in openings)
    first = openings[0]
    slot = cloud.slot_book(actor=fw.world.talent_user, registration_id=reg.pk, booth_id=first["booth"].pk,
                           starts_at=first["times"][0]["starts_at"],
                           job_id=first["jobs"][0].pk if first["jobs"] else None)
    assert slot.ends_at - slot.starts_at == dt.timedelta(minutes=first["booth"].interview_minutes)
