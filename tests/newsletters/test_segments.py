"""Segments: every one a subset of the district's consenting subscribers."""

import pytest

from measures.models import Follow, Support
from newsletters import segments
from newsletters.models import DeliveryProblem
from tests.factories import ActionFieldFactory, CommentFactory, MeasureFactory, UserFactory

pytestmark = pytest.mark.django_db


def emails(district, segment, value=""):
    return sorted(
        segments.recipients(district=district, segment=segment, value=value).values_list(
            "email", flat=True
        )
    )


def test_all_confirmed_leaves_out_pending_unsubscribed_bounced_and_other_districts(
    district, other_district, make_subscription
):
    make_subscription("ja@example.org")
    make_subscription("offen@example.org", status="pending")
    make_subscription("weg@example.org", status="unsubscribed")
    make_subscription("bounce@example.org", delivery_problem=DeliveryProblem.BOUNCE)
    make_subscription("beschwerde@example.org", delivery_problem=DeliveryProblem.COMPLAINT)
    make_subscription("fremd@example.org", district=other_district)

    assert emails(district, "all") == ["ja@example.org"]


def test_topic_segment_takes_subscribers_of_that_action_field_only(
    district, other_district, action_field, make_subscription
):
    other_field = ActionFieldFactory(district=district, title="Mobilität")
    make_subscription("thema@example.org").topics.add(action_field)
    make_subscription("anderes@example.org").topics.add(other_field)
    make_subscription("offen@example.org", status="pending").topics.add(action_field)

    assert emails(district, "topic", str(action_field.pk)) == ["thema@example.org"]


def test_topic_of_another_district_is_refused(district, other_district, make_subscription):
    foreign_field = ActionFieldFactory(district=other_district)
    make_subscription("ja@example.org")
    with pytest.raises(segments.SegmentError):
        segments.recipients(district=district, segment="topic", value=str(foreign_field.pk))


def test_participants_are_only_those_who_consented(
    district, other_district, action_field, make_subscription
):
    measure = MeasureFactory(district=district, action_field=action_field)
    author, commenter, supporter = measure.author, UserFactory(), UserFactory()
    silent = UserFactory()  # took part, never subscribed
    CommentFactory(measure=measure, author=commenter)
    Support.objects.create(measure=measure, user=supporter, kind=supporter.kind)
    Support.objects.create(measure=measure, user=silent, kind=silent.kind)
    make_subscription(author.email)  # by a verified address of the account
    make_subscription("profil@example.org", user=commenter)  # by the account
    make_subscription(supporter.email, status="unsubscribed")
    make_subscription("unbeteiligt@example.org")
    # The author also subscribed elsewhere: that district's subscription never counts here.
    make_subscription(author.email.upper(), district=other_district)

    assert emails(district, "participants", str(action_field.pk)) == sorted(
        [author.email, "profil@example.org"]
    )


def test_followers_of_measures_of_the_district(district, other_district, make_subscription):
    follower, foreign_follower = UserFactory(), UserFactory()
    Follow.objects.create(measure=MeasureFactory(district=district), user=follower)
    Follow.objects.create(measure=MeasureFactory(district=other_district), user=foreign_follower)
    make_subscription(follower.email)
    make_subscription(foreign_follower.email)
    make_subscription(foreign_follower.email, district=other_district)

    assert emails(district, "followers") == [follower.email]


def test_an_audience_of_a_lower_floor_is_narrowed_to_consenting_subscribers(
    district, other_district, make_subscription, monkeypatch
):
    """The seam for the workshops' attendees: a plain description in `<app>/audiences.py`."""

    class Attendees:
        key = "test_attendees"
        label = "Teilnehmende eines Workshops"
        choice_label = "Workshop"

        def choices(self, district):
            return [("7", "Workshop Riesa")]

        def addresses(self, district, value):
            return ["Dabei@example.org", "nicht-abonniert@example.org", "fremd@example.org"]

    class Module:
        AUDIENCES = [Attendees()]

    monkeypatch.setattr(segments, "app_modules", lambda template: [Module])
    monkeypatch.setattr(segments, "_registry", dict(segments._registry))
    make_subscription("dabei@example.org")
    make_subscription("fremd@example.org", district=other_district)

    assert emails(district, "test_attendees", "7") == ["dabei@example.org"]
    with pytest.raises(segments.SegmentError):
        segments.recipients(district=district, segment="test_attendees", value="8")
