"""The newsletter's demo, its navigation entry, the progress view's htmx partial, the workspace
link."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from newsletters.models import Newsletter, NewsletterStatus, Subscription

from .conftest import main_of

pytestmark = pytest.mark.django_db


def test_demo_has_subscribers_and_one_sent_newsletter_and_loads_twice_alike(client):
    call_command("load_demo", "--quiet-logins", stdout=StringIO())
    call_command("load_demo", "--quiet-logins", stdout=StringIO())

    meissen = Subscription.objects.filter(district__slug="landkreis-meissen")
    assert meissen.deliverable().count() == 3
    sent = Newsletter.objects.get(district__slug="landkreis-meissen")
    assert sent.status == NewsletterStatus.SENT
    archive = client.get(reverse("newsletters:archive", kwargs={"district": "landkreis-meissen"}))
    assert sent.subject in main_of(archive)


def test_the_district_navigation_leads_to_the_newsletter(client, district):
    response = client.get(reverse("district_home", kwargs={"district": district.slug}))
    html = response.content.decode()
    assert f'href="/{district.slug}/newsletter/"' in html
    assert ">Newsletter</a>" in html


def test_workspace_links_the_newsletter_for_admins_only(
    client, district, district_admin, facilitator
):
    workspace = reverse("workspace", kwargs={"district": district.slug})
    newsletters = reverse("newsletters:workspace", kwargs={"district": district.slug})
    client.force_login(district_admin)
    assert newsletters in main_of(client.get(workspace))
    client.force_login(facilitator)
    assert newsletters not in main_of(client.get(workspace))


def test_progress_polls_while_sending_and_stops_when_sent(client, district, district_admin):
    newsletter = Newsletter.objects.create(
        district=district, subject="Läuft", body="Text", status=NewsletterStatus.SENDING
    )
    url = reverse("newsletters:progress", kwargs={"district": district.slug, "pk": newsletter.pk})
    client.force_login(district_admin)
    partial = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in partial
    assert "<main" not in partial
    Newsletter.objects.filter(pk=newsletter.pk).update(status=NewsletterStatus.SENT)
    assert "hx-trigger" not in client.get(url, HTTP_HX_REQUEST="true").content.decode()
