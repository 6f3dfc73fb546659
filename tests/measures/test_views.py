"""The public measure pages through the test client: what a visitor, a participant and the team
see and can do, and that bad input and foreign objects change nothing."""

import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from measures import services
from measures.forms import started_token
from measures.models import (
    Comment,
    Flag,
    Follow,
    Measure,
    NotificationFrequency,
    NotificationSettings,
    Status,
    Support,
)
from measures.notifications import unsubscribe_token
from measures.provenance import _functions as provenance_functions
from measures.provenance import register as register_provenance

from ..factories import ActionFieldFactory, CompanyFactory, MeasureFactory, UserFactory

pytestmark = pytest.mark.django_db


def long_ago() -> str:
    """A form shown a minute ago: past the minimum fill time."""
    return started_token(time.time() - 60)


def proposal(**overrides) -> dict:
    data = {
        "title": "Digitale Gästekarte für den Landkreis",
        "description": "Alle touristischen Angebote mit einer Karte buchen und nutzen.",
        "added_value": "Gäste finden alles an einem Ort.",
        "feasibility": "Technisch machbar; die Finanzierung ist zu klären.",
        "time_horizon": "medium",
        "success_criteria": "",
        "funding_idea": "",
        "action_field": "",
        "tags": "Tourismus, Gästekarte",
        "website": "",
        "started": long_ago(),
    }
    data.update(overrides)
    return data


def list_url(district):
    return f"/{district.slug}/massnahmen/"


def text_of(response) -> str:
    return response.content.decode()


# --- the list -------------------------------------------------------------------------------------


def test_list_shows_measures_of_the_district_only(client, district, other_district):
    MeasureFactory(district=district, title="Coworking im Dorfladen")
    MeasureFactory(district=other_district, title="Mobiles Bürgerbüro")

    response = client.get(list_url(district))

    assert response.status_code == 200
    assert "Coworking im Dorfladen" in text_of(response)
    assert "Mobiles Bürgerbüro" not in text_of(response)


def test_list_filters_by_status_and_action_field(client, district):
    field = ActionFieldFactory(district=district, title="Tourismus")
    MeasureFactory(district=district, title="Gästekarte", action_field=field)
    MeasureFactory(district=district, title="Schichtshuttle")

    by_field = client.get(list_url(district), {"action_field": field.pk})
    by_status = client.get(list_url(district), {"status": Status.IMPLEMENTED})

    assert "Gästekarte" in text_of(by_field)
    assert "Schichtshuttle" not in text_of(by_field)
    assert "Gästekarte" not in text_of(by_status)
    assert "Keine Maßnahme passt zu diesen Filtern." in text_of(by_status)


def test_list_filters_by_tag_and_author_kind(client, district, citizen):
    company = CompanyFactory()
    services.measure_create(
        district=district, author=company, title="Automatisierung", description="x", tags=["KMU"]
    )
    services.measure_create(
        district=district, author=citizen, title="Jung hilft Alt", description="x"
    )

    by_tag = text_of(client.get(list_url(district), {"tag": "kmu"}))
    by_kind = text_of(client.get(list_url(district), {"kind": "citizen"}))

    assert "Automatisierung" in by_tag and "Jung hilft Alt" not in by_tag
    assert "Jung hilft Alt" in by_kind and "Automatisierung" not in by_kind


def test_list_sorts_by_most_supported(client, district, citizen, company):
    quiet = MeasureFactory(district=district, title="Leise Idee")
    loud = MeasureFactory(district=district, title="Beliebte Idee")
    for user in (citizen, company):
        services.support_add(measure=loud, user=user)

    html = text_of(client.get(list_url(district), {"sort": "supported"}))

    assert html.index(loud.title) < html.index(quiet.title)


def test_search_finds_words_in_the_description(client, district):
    # Through the service, which keeps the PostgreSQL search index up to date.
    services.measure_create(district=district, title="Idee A", description="Ein Shuttle für alle.")
    services.measure_create(district=district, title="Idee B", description="Ein Tourismusportal.")

    html = text_of(client.get(list_url(district), {"q": "Shuttle"}))

    assert "Idee A" in html
    assert "Idee B" not in html


@pytest.mark.parametrize(
    "query",
    [
        {"page": "abc"},
        {"page": "999999"},
        {"page": "-1"},
        {"status": "gibt-es-nicht"},
        {"action_field": "999999"},
        {"action_field": "abc"},
        {"sort": "evil"},
        {"kind": "robot"},
        {"tier": "gold"},
        {"tag": "x" * 300},
        {"q": "x" * 5000},
        {"q": '"unclosed OR -('},
    ],
)
def test_unknown_filter_values_give_a_clean_page(client, district, query):
    MeasureFactory.create_batch(3, district=district)

    response = client.get(list_url(district), query)

    assert response.status_code == 200
    assert "<h1" in text_of(response)


def test_pagination_clamps_to_the_last_page(client, district):
    MeasureFactory.create_batch(25, district=district)

    response = client.get(list_url(district), {"page": "999999"})

    assert response.context["page"].number == 2
    assert len(response.context["page"].object_list) == 5


def test_list_filter_of_another_districts_action_field_is_refused(client, district, other_district):
    foreign = ActionFieldFactory(district=other_district)
    MeasureFactory(district=district, title="Hier")

    response = client.get(list_url(district), {"action_field": foreign.pk})

    assert response.status_code == 200
    assert "Hier" in text_of(response)
    assert response.context["filter"].form.errors["action_field"]


def test_htmx_request_gets_only_the_results(client, district):
    services.measure_create(district=district, title="Gästekarte", description="Eine Karte.")

    response = client.get(
        list_url(district),
        {"q": "Gästekarte"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="measure-results",
    )

    html = text_of(response)
    assert "Gästekarte" in html
    assert "<html" not in html
    assert 'id="measure-count"' in html


def test_list_hides_hidden_measures_from_the_public(client, district, facilitator):
    measure = MeasureFactory(district=district, title="Ausgeblendet")
    services.moderation_hide(moderator=facilitator, reason="Werbung", measure=measure)

    assert "Ausgeblendet" not in text_of(client.get(list_url(district)))


def test_list_shows_merged_duplicates_no_more(client, district, facilitator):
    target = MeasureFactory(district=district, title="Das Original")
    duplicate = MeasureFactory(district=district, title="Die Dublette")
    services.measure_merge(duplicate=duplicate, target=target, user=facilitator)

    html = text_of(client.get(list_url(district)))

    assert "Das Original" in html
    assert "Die Dublette" not in html


# --- proposing ------------------------------------------------------------------------------------


def test_visitor_is_sent_to_login_to_propose(client, district):
    response = client.get(f"/{district.slug}/massnahmen/neu/")

    assert response.status_code == 302
    assert response["Location"].startswith("/konto/anmelden/")


def test_form_explains_added_value_and_feasibility(login, citizen, district):
    html = text_of(login(citizen).get(f"/{district.slug}/massnahmen/neu/"))

    assert "Was wird besser" in html
    assert "Was braucht es" in html
    assert 'list="tag-suggestions"' in html


def test_tag_suggestions_are_the_districts_tags_in_use(login, citizen, district, other_district):
    services.measure_create(district=district, title="A", description="x", tags=["Coworking"])
    services.measure_create(district=other_district, title="B", description="x", tags=["Almen"])

    html = text_of(login(citizen).get(f"/{district.slug}/massnahmen/neu/"))

    assert '<option value="Coworking">' in html
    assert "Almen" not in html


def test_citizen_previews_then_publishes_a_proposal(login, citizen, district):
    client = login(citizen)
    url = f"/{district.slug}/massnahmen/neu/"

    preview = client.post(url, proposal(step="preview"))

    assert preview.status_code == 200
    assert "Vorschau" in text_of(preview)
    assert not Measure.objects.exists()

    published = client.post(url, proposal(step="publish"))

    measure = Measure.objects.get()
    assert published.status_code == 302
    assert published["Location"] == measure.get_absolute_url()
    assert measure.author == citizen
    assert sorted(measure.tags.names()) == ["Gästekarte", "Tourismus"]
    page = text_of(client.get(measure.get_absolute_url()))
    assert "Eingereicht von" in page


def test_change_in_the_preview_goes_back_to_the_filled_form(login, citizen, district):
    response = login(citizen).post(
        f"/{district.slug}/massnahmen/neu/", proposal(step="edit", title="Mein Titel")
    )

    assert 'value="Mein Titel"' in text_of(response)
    assert not Measure.objects.exists()


def test_company_can_propose_measure(login, district):
    company = CompanyFactory()
    login(company).post(f"/{district.slug}/massnahmen/neu/", proposal(step="publish"))

    assert Measure.objects.get().author == company


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Dieses Feld ist zwingend erforderlich."),
        ("description", "   ", "Dieses Feld ist zwingend erforderlich."),
        ("description", "x" * 100_000, "Dieser Text ist zu lang"),
        ("added_value", "x" * 100_000, "Dieser Text ist zu lang"),
        ("feasibility", "x" * 100_000, "Dieser Text ist zu lang"),
        ("title", "x" * 100_000, "höchstens 200 Zeichen"),
        ("action_field", "999999", "Bitte wählen Sie ein Handlungsfeld dieses Landkreises."),
        ("tags", "x" * 300, "höchstens 100 Zeichen"),
        ("time_horizon", "forever", "Bitte eine gültige Auswahl treffen."),
    ],
)
def test_bad_input_gets_a_german_message_on_its_field(
    login, citizen, district, field, value, message
):
    response = login(citizen).post(
        f"/{district.slug}/massnahmen/neu/", proposal(step="publish", **{field: value})
    )

    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert f'id="id_{field}_error"' in text_of(response)
    assert not Measure.objects.exists()


def test_action_field_of_another_district_is_refused(login, citizen, district, other_district):
    foreign = ActionFieldFactory(district=other_district)

    response = login(citizen).post(
        f"/{district.slug}/massnahmen/neu/", proposal(step="publish", action_field=foreign.pk)
    )

    assert "action_field" in response.context["form"].errors
    assert not Measure.objects.exists()


def test_honeypot_refuses_the_proposal(login, citizen, district):
    response = login(citizen).post(
        f"/{district.slug}/massnahmen/neu/", proposal(step="publish", website="http://spam.example")
    )

    assert "automatisiertem Spam" in text_of(response)
    assert not Measure.objects.exists()


def test_a_form_sent_back_too_fast_is_refused(login, citizen, district):
    response = login(citizen).post(
        f"/{district.slug}/massnahmen/neu/", proposal(step="publish", started=started_token())
    )

    assert "Das ging sehr schnell" in text_of(response)
    assert not Measure.objects.exists()


def test_a_forged_timestamp_is_refused(login, citizen, district):
    login(citizen).post(
        f"/{district.slug}/massnahmen/neu/", proposal(step="publish", started="12345")
    )

    assert not Measure.objects.exists()


def test_rate_limit_on_proposals_has_a_german_message(login, citizen, district, settings):
    settings.MEASURES_PROPOSALS_PER_DAY = 1
    client = login(citizen)
    client.post(f"/{district.slug}/massnahmen/neu/", proposal(step="publish"))

    response = client.post(f"/{district.slug}/massnahmen/neu/", proposal(step="publish"))

    assert "Bitte warten Sie bis morgen" in text_of(response)
    assert Measure.objects.count() == 1


def test_blocked_user_cannot_propose(client, citizen, district, facilitator):
    services.block_author(moderator=facilitator, user=citizen, district=district, reason="Spam")
    client.force_login(citizen, backend="django.contrib.auth.backends.ModelBackend")

    response = client.post(f"/{district.slug}/massnahmen/neu/", proposal(step="publish"))

    assert response.status_code in (302, 403)
    assert not Measure.objects.exists()


# --- editing and withdrawing ----------------------------------------------------------------------


def test_author_edits_own_measure_before_any_response(login, citizen, measure, district):
    response = login(citizen).post(
        f"/{district.slug}/massnahmen/{measure.pk}/bearbeiten/",
        proposal(title="Coworking im Dorfladen – überarbeitet", tags="Coworking"),
    )

    measure.refresh_from_db()
    assert response.status_code == 302
    assert measure.title == "Coworking im Dorfladen – überarbeitet"


def test_editing_someone_elses_measure_is_forbidden(login, company, measure, district):
    response = login(company).post(
        f"/{district.slug}/massnahmen/{measure.pk}/bearbeiten/", proposal(title="Gekapert")
    )

    measure.refresh_from_db()
    assert response.status_code == 403
    assert measure.title == "Coworking im Dorfladen"


def test_author_cannot_edit_after_the_first_support(login, citizen, company, measure, district):
    services.support_add(measure=measure, user=company)

    response = login(citizen).get(f"/{district.slug}/massnahmen/{measure.pk}/bearbeiten/")

    assert response.status_code == 403


def test_author_withdraws_with_a_reason(login, citizen, measure, district):
    client = login(citizen)
    url = f"/{district.slug}/massnahmen/{measure.pk}/zurueckziehen/"

    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 200
    assert "reason" in empty.context["form"].errors

    client.post(url, {"reason": "Die Gemeinde macht das schon."})

    measure.refresh_from_db()
    assert measure.status == Status.WITHDRAWN
    page = text_of(client.get(measure.get_absolute_url()))
    assert "Von der Verfasserin bzw. dem Verfasser zurückgezogen" in page
    assert "Die Gemeinde macht das schon." in page


# --- the measure ----------------------------------------------------------------------------------


def test_wrong_slug_redirects_to_the_canonical_address(client, measure, district):
    response = client.get(f"/{district.slug}/massnahmen/{measure.pk}-falsch/")

    assert response.status_code == 301
    assert response["Location"] == measure.get_absolute_url()


def test_measure_of_another_district_is_not_found(client, measure, other_district):
    response = client.get(f"/{other_district.slug}/massnahmen/{measure.pk}-{measure.slug}/")

    assert response.status_code == 404


def test_merged_duplicate_redirects_to_its_target_with_a_note(client, district, facilitator):
    target = MeasureFactory(district=district, title="Das Original")
    duplicate = MeasureFactory(district=district, title="Die Dublette")
    services.measure_merge(duplicate=duplicate, target=target, user=facilitator)

    response = client.get(duplicate.get_absolute_url(), follow=True)

    assert response.redirect_chain[-1][0] == target.get_absolute_url()
    assert "„Die Dublette“" in text_of(response)


def test_detail_shows_supports_by_kind_and_followers(client, measure, company, district):
    institution = UserFactory(kind="institution", organisation_name="Oberschule Riesa")
    services.support_add(measure=measure, user=company)
    services.support_add(measure=measure, user=institution)

    html = text_of(client.get(measure.get_absolute_url()))

    assert "2 Unterstützungen" in html
    assert "0 Bürger*innen" in html
    assert "1 Unternehmen" in html
    assert "1 Institution" in html
    assert "1 Person folgt dieser Maßnahme" in html


def test_detail_shows_recorded_provenance(client, district, facilitator):
    measure = services.measure_record_on_behalf(
        district=district,
        recorded_by=facilitator,
        origin="phone",
        on_behalf_of="Frau Krause aus Riesa",
        title="Bürgerbus per Telefon buchen",
        description="Ein Anruf genügt.",
    )

    html = text_of(client.get(measure.get_absolute_url()))

    assert "Erfasst von" in html
    assert "im Auftrag von Frau Krause aus Riesa" in html


def test_a_registered_provenance_replaces_the_default(client, measure):
    from django.utils.html import format_html

    def from_workshop(m):
        return format_html("aus dem Workshop {}", "Großenhain") if m.pk == measure.pk else None

    register_provenance(from_workshop)
    try:
        html = text_of(client.get(measure.get_absolute_url()))
    finally:
        provenance_functions.remove(from_workshop)

    assert "aus dem Workshop Großenhain" in html


def test_status_timeline_and_official_answer_are_shown(client, measure, facilitator):
    services.status_change(
        measure=measure, user=facilitator, status=Status.UNDER_EVALUATION, reason="Wir prüfen."
    )
    services.answer_publish(measure=measure, user=facilitator, text="Danke, wir melden uns.")

    html = text_of(client.get(measure.get_absolute_url()))

    assert "In Prüfung" in html
    assert "Wir prüfen." in html
    assert "Danke, wir melden uns." in html


def test_hidden_measure_shows_a_note_to_the_public_and_the_text_to_its_author(
    client, login, measure, citizen, facilitator
):
    services.moderation_hide(moderator=facilitator, reason="Werbung", measure=measure)

    public = text_of(client.get(measure.get_absolute_url()))
    assert "Von der Moderation ausgeblendet" in public
    assert "Coworking im Dorfladen" not in public

    own = text_of(login(citizen).get(measure.get_absolute_url()))
    assert "Coworking im Dorfladen" in own


# --- support and follow ---------------------------------------------------------------------------


def test_support_without_javascript_redirects_back(login, company, measure, district):
    response = login(company).post(f"/{district.slug}/massnahmen/{measure.pk}/unterstuetzen/")

    assert response.status_code == 302
    assert response["Location"] == f"{measure.get_absolute_url()}#unterstuetzen"
    assert Support.objects.filter(measure=measure, user=company).exists()


def test_support_with_htmx_swaps_the_button_and_count(login, company, measure, district):
    response = login(company).post(
        f"/{district.slug}/massnahmen/{measure.pk}/unterstuetzen/", HTTP_HX_REQUEST="true"
    )

    html = text_of(response)
    assert response.status_code == 200
    assert "1 Unterstützung" in html
    assert 'aria-pressed="true"' in html
    assert "<html" not in html


def test_second_click_takes_the_support_back(login, company, measure, district):
    client = login(company)
    url = f"/{district.slug}/massnahmen/{measure.pk}/unterstuetzen/"
    client.post(url)
    client.post(url)

    measure.refresh_from_db()
    assert measure.support_count == 0
    assert not Support.objects.exists()


def test_supporting_a_withdrawn_measure_is_forbidden(login, citizen, company, measure, district):
    services.measure_withdraw(measure=measure, user=citizen, reason="Erledigt")

    response = login(company).post(f"/{district.slug}/massnahmen/{measure.pk}/unterstuetzen/")

    assert response.status_code == 403
    assert not Support.objects.exists()


def test_visitor_is_sent_to_login_to_support(client, measure, district):
    response = client.post(f"/{district.slug}/massnahmen/{measure.pk}/unterstuetzen/")

    assert response["Location"].startswith("/konto/anmelden/")
    assert not Support.objects.exists()


def test_follow_and_unfollow(login, company, measure, district):
    client = login(company)
    url = f"/{district.slug}/massnahmen/{measure.pk}/folgen/"

    client.post(url)
    assert Follow.objects.filter(measure=measure, user=company).exists()
    client.post(url, HTTP_HX_REQUEST="true")
    assert not Follow.objects.filter(measure=measure, user=company).exists()


# --- comments -------------------------------------------------------------------------------------


def comment_data(body="Gute Idee!", **extra):
    return {"body": body, "website": "", "started": long_ago(), **extra}


def test_comment_and_reply_are_threaded_with_anchors(login, citizen, company, measure, district):
    url = f"/{district.slug}/massnahmen/{measure.pk}/kommentare/"
    response = login(company).post(url, comment_data("Würde ich nutzen."))
    comment = Comment.objects.get()
    assert response["Location"] == f"{measure.get_absolute_url()}#kommentar-{comment.pk}"

    login(citizen).post(url, comment_data("Danke!", parent=comment.pk))

    reply = Comment.objects.get(parent=comment)
    html = text_of(login(citizen).get(measure.get_absolute_url()))
    assert f'id="kommentar-{comment.pk}"' in html
    assert f'id="kommentar-{reply.pk}"' in html
    assert html.index("Würde ich nutzen.") < html.index("Danke!")


def test_replies_below_the_third_level_attach_to_it(login, citizen, measure, district):
    url = f"/{district.slug}/massnahmen/{measure.pk}/kommentare/"
    client = login(citizen)
    parent = None
    for n in range(5):
        data = comment_data(f"Ebene {n}", **({"parent": parent.pk} if parent else {}))
        client.post(url, data)
        parent = Comment.objects.latest("pk")

    assert max(Comment.objects.values_list("depth", flat=True)) == 2
    assert Comment.objects.count() == 5


def test_empty_or_huge_comment_gets_a_german_message(login, citizen, measure, district):
    client = login(citizen)
    url = f"/{district.slug}/massnahmen/{measure.pk}/kommentare/"

    empty = client.post(url, comment_data(""))
    huge = client.post(url, comment_data("x" * 100_000))

    assert empty.status_code == 400
    assert "Dieses Feld ist zwingend erforderlich." in text_of(empty)
    assert "Dieser Text ist zu lang" in text_of(huge)
    assert not Comment.objects.exists()


def test_comment_honeypot_refuses(login, citizen, measure, district):
    login(citizen).post(
        f"/{district.slug}/massnahmen/{measure.pk}/kommentare/",
        comment_data(website="spam"),
    )

    assert not Comment.objects.exists()


def test_replying_to_a_comment_of_another_measure_is_not_found(
    login, citizen, measure, other_measure, district
):
    foreign = services.comment_add(measure=other_measure, author=citizen, body="Anderswo")

    response = login(citizen).post(
        f"/{district.slug}/massnahmen/{measure.pk}/kommentare/",
        comment_data("Hallo", parent=foreign.pk),
    )

    assert response.status_code == 404
    assert Comment.objects.count() == 1


def test_commenting_on_a_hidden_measure_is_forbidden(
    login, company, measure, district, facilitator
):
    services.moderation_hide(moderator=facilitator, reason="Werbung", measure=measure)

    response = login(company).post(
        f"/{district.slug}/massnahmen/{measure.pk}/kommentare/", comment_data()
    )

    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_commenting_on_a_withdrawn_measure_is_forbidden(login, citizen, company, measure, district):
    services.measure_withdraw(measure=measure, user=citizen, reason="Erledigt")

    response = login(company).post(
        f"/{district.slug}/massnahmen/{measure.pk}/kommentare/", comment_data()
    )

    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_blocked_user_cannot_comment(client, citizen, measure, district, facilitator):
    services.block_author(moderator=facilitator, user=citizen, district=district, reason="Spam")
    client.force_login(citizen, backend="django.contrib.auth.backends.ModelBackend")

    response = client.post(f"/{district.slug}/massnahmen/{measure.pk}/kommentare/", comment_data())

    assert response.status_code in (302, 403)
    assert not Comment.objects.exists()


def test_author_edits_comment_within_fifteen_minutes_marked_edited(
    login, company, measure, district
):
    comment = services.comment_add(measure=measure, author=company, body="Erste Fassung")
    client = login(company)

    client.post(
        f"/{district.slug}/massnahmen/kommentare/{comment.pk}/bearbeiten/", {"body": "Zweite"}
    )

    comment.refresh_from_db()
    assert comment.body == "Zweite"
    assert "bearbeitet" in text_of(client.get(measure.get_absolute_url()))


def test_editing_a_comment_after_fifteen_minutes_is_forbidden(login, company, measure, district):
    comment = services.comment_add(measure=measure, author=company, body="Alt")
    Comment.objects.filter(pk=comment.pk).update(created=timezone.now() - timedelta(minutes=16))

    response = login(company).post(
        f"/{district.slug}/massnahmen/kommentare/{comment.pk}/bearbeiten/", {"body": "Neu"}
    )

    comment.refresh_from_db()
    assert response.status_code == 403
    assert comment.body == "Alt"


def test_editing_someone_elses_comment_is_forbidden(login, citizen, company, measure, district):
    comment = services.comment_add(measure=measure, author=company, body="Meins")

    response = login(citizen).post(
        f"/{district.slug}/massnahmen/kommentare/{comment.pk}/bearbeiten/", {"body": "Deins"}
    )

    comment.refresh_from_db()
    assert response.status_code == 403
    assert comment.body == "Meins"


def test_deleted_comment_keeps_its_replies(login, citizen, company, measure, district):
    comment = services.comment_add(measure=measure, author=company, body="Wird gelöscht")
    services.comment_add(measure=measure, author=citizen, body="Die Antwort bleibt", parent=comment)
    client = login(company)

    confirm = client.get(f"/{district.slug}/massnahmen/kommentare/{comment.pk}/loeschen/")
    assert confirm.status_code == 200
    client.post(f"/{district.slug}/massnahmen/kommentare/{comment.pk}/loeschen/")

    html = text_of(client.get(measure.get_absolute_url()))
    assert "Kommentar gelöscht" in html
    assert "Wird gelöscht" not in html
    assert "Die Antwort bleibt" in html


def test_hidden_comment_shows_a_note_to_the_public_and_the_text_to_the_team(
    client, login, citizen, measure, facilitator
):
    comment = services.comment_add(measure=measure, author=citizen, body="Beleidigung")
    services.moderation_hide(moderator=facilitator, reason="Ton", comment=comment)

    public = text_of(client.get(measure.get_absolute_url()))
    team = text_of(login(facilitator).get(measure.get_absolute_url()))

    assert "Von der Moderation ausgeblendet" in public
    assert "Beleidigung" not in public
    assert "Beleidigung" in team


# --- flags ----------------------------------------------------------------------------------------


def test_flag_a_comment_with_a_reason_once(login, citizen, company, measure, district):
    comment = services.comment_add(measure=measure, author=citizen, body="Werbung!")
    client = login(company)
    url = f"/{district.slug}/massnahmen/kommentare/{comment.pk}/melden/"

    no_reason = client.post(url, {"reason": ""})
    assert no_reason.status_code == 200
    client.post(url, {"reason": "Werbung"})
    again = client.post(url, {"reason": "Immer noch Werbung"}, follow=True)

    assert Flag.objects.filter(comment=comment).count() == 1
    assert "bereits gemeldet" in text_of(again)


def test_flag_a_measure(login, company, measure, district):
    response = login(company).post(
        f"/{district.slug}/massnahmen/{measure.pk}/melden/", {"reason": "Doppelt"}
    )

    assert response.status_code == 302
    assert Flag.objects.get().measure == measure


# --- notifications --------------------------------------------------------------------------------


def test_profile_offers_the_notification_settings(login, citizen):
    html = text_of(login(citizen).get("/konto/profil/"))

    assert 'id="benachrichtigungen"' in html
    assert "Einmal täglich" in html


def test_participant_chooses_the_daily_digest(login, citizen):
    response = login(citizen).post("/konto/benachrichtigungen/", {"frequency": "daily"})

    assert response.status_code == 302
    assert NotificationSettings.frequency_of(citizen) == NotificationFrequency.DAILY


def test_unknown_frequency_is_refused(login, citizen):
    response = login(citizen).post("/konto/benachrichtigungen/", {"frequency": "hourly"})

    assert response.status_code == 200
    assert NotificationSettings.frequency_of(citizen) == NotificationFrequency.INSTANT


def test_link_from_a_mail_turns_notifications_off_on_post_only(client, citizen):
    url = f"/konto/benachrichtigungen/aus/{unsubscribe_token(citizen)}/"

    shown = client.get(url)
    assert shown.status_code == 200
    assert NotificationSettings.frequency_of(citizen) == NotificationFrequency.INSTANT

    client.post(url)
    assert NotificationSettings.frequency_of(citizen) == NotificationFrequency.OFF


def test_forged_link_changes_nothing(client, citizen):
    response = client.post("/konto/benachrichtigungen/aus/erfunden/")

    assert response.status_code == 404
    assert NotificationSettings.frequency_of(citizen) == NotificationFrequency.INSTANT


def test_mails_link_to_the_turn_off_page(
    measure, citizen, facilitator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.status_change(
            measure=measure, user=facilitator, status=Status.UNDER_EVALUATION, reason="Prüfung"
        )

    bodies = [message.body for message in mail.outbox if citizen.email in message.to]
    assert bodies
    assert re.search(r"/konto/benachrichtigungen/aus/[^/\s]+/", bodies[0])


# --- district home and navigation -----------------------------------------------------------------


def test_district_home_shows_most_supported_and_newest(client, district, company):
    popular = MeasureFactory(district=district, title="Beliebte Idee")
    services.support_add(measure=popular, user=company)
    MeasureFactory(district=district, title="Neueste Idee")

    html = text_of(client.get(f"/{district.slug}/"))

    assert "Meiste Unterstützung" in html
    assert "Beliebte Idee" in html
    assert "Neueste Idee" in html


def test_navigation_links_to_the_measures(client, district):
    html = text_of(client.get(f"/{district.slug}/"))

    assert f'href="/{district.slug}/massnahmen/"' in html
