"""The newsletter segment "interested in workshop X", described in workshops/audiences.py."""

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from measures.models import Follow, Support
from newsletters import forms as newsletter_forms
from newsletters import segments
from newsletters.models import ConsentText, Subscription
from tests.factories import CommentFactory, MeasureFactory, UserFactory
from workshops.audiences import engaged_addresses
from workshops.models import GroupMeasure, WorkshopStatus

from .helpers import add_parts, make_workshop

pytestmark = pytest.mark.django_db


def subscribe(district, email, status="confirmed", **fields):
    now = timezone.now()
    return Subscription.objects.create(
        district=district,
        email=email,
        status=status,
        requested_at=now,
        confirmed_at=now if status == "confirmed" else None,
        consent_text=ConsentText.objects.in_force(district),
        request_ip="192.0.2.10",
        confirm_ip="192.0.2.11" if status == "confirmed" else None,
        confirmation_key="" if status == "confirmed" else "offen",
        **fields,
    )


def emails(district, value):
    return sorted(
        segments.recipients(district=district, segment="workshop", value=str(value)).values_list(
            "email", flat=True
        )
    )


def first_measure(workshop):
    return GroupMeasure.objects.filter(group__workshop=workshop).first().measure


@pytest.fixture
def workshop(district):
    return add_parts(make_workshop(district, title="Expertenworkshop"), figures=0, groups=1)


def test_the_segment_is_discovered_with_the_districts_published_workshops(
    district, other_district, workshop
):
    make_workshop(district, title="Entwurf", slug="entwurf", status=WorkshopStatus.DRAFT)
    make_workshop(other_district, title="Anderswo")

    segment = segments.get_segment("workshop")

    assert [label for _value, label in segment.choices(district)] == [
        "Expertenworkshop (13.06.2023)"
    ]
    # The compose form offers it as one option per workshop.
    groups = dict(newsletter_forms.recipient_choices(district))
    assert groups[segment.label] == [(f"workshop:{workshop.pk}", "Expertenworkshop (13.06.2023)")]


def test_followers_supporters_and_commenters_of_its_measures_who_consented(
    district, other_district, workshop
):
    measure = first_measure(workshop)
    follower, supporter, commenter = UserFactory(), UserFactory(), UserFactory()
    silent, elsewhere = UserFactory(), UserFactory()
    Follow.objects.create(measure=measure, user=follower)
    Support.objects.create(measure=measure, user=supporter, kind=supporter.kind)
    CommentFactory(measure=measure, author=commenter)
    Support.objects.create(measure=measure, user=silent, kind=silent.kind)  # never subscribed
    # Follows a measure that came from no workshop.
    Follow.objects.create(measure=MeasureFactory(district=district), user=elsewhere)
    EmailAddress.objects.create(user=commenter, email="Zweit@Example.org", verified=True)
    subscribe(district, follower.email)
    subscribe(district, supporter.email, status="unsubscribed")
    subscribe(district, "zweit@example.org")  # the commenter's verified second address
    subscribe(district, elsewhere.email)
    subscribe(other_district, follower.email.upper())

    assert emails(district, workshop.pk) == sorted([follower.email, "zweit@example.org"])


def test_a_workshop_of_another_district_a_draft_or_nonsense_is_refused(
    district, other_district, workshop
):
    foreign = add_parts(make_workshop(other_district, title="Anderswo"), figures=0, groups=1)
    draft = add_parts(
        make_workshop(district, title="Entwurf", slug="entwurf", status=WorkshopStatus.DRAFT),
        figures=0,
        groups=1,
    )
    follower = UserFactory()
    Follow.objects.create(measure=first_measure(foreign), user=follower)
    subscribe(district, follower.email)

    for value in (foreign.pk, draft.pk, "999999", "abc", ""):
        with pytest.raises(segments.SegmentError):
            segments.recipients(district=district, segment="workshop", value=str(value))
    # Asked directly, the audience gives nobody outside the district's published workshops.
    assert engaged_addresses(district, foreign.pk) == []
