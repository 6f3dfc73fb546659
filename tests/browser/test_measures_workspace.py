"""A facilitator's day in the measures workspace, in the browser: record an idea from a phone
call, change its status with a reason, publish an answer, hide a flagged comment. And axe-core
on the moderation queue, the workspace list and the forms."""

import pytest

from measures import services
from measures.models import Comment, Measure, ModerationAction, Origin, Status

from ..factories import PASSWORD, MeasureFactory, UserFactory
from .conftest import format_violations, log_in, run_axe, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def flagged_comment(district):
    measure = MeasureFactory(district=district, title="Schnelles Internet im Gewerbegebiet")
    author = UserFactory(email="laut@example.org", display_name="Lautsprecher")
    comment = services.comment_add(
        measure=measure, author=author, body="So ein Unsinn, typisch Verwaltung!"
    )
    for n in range(2):
        services.flag_add(
            user=UserFactory(email=f"melder{n}@example.org"), comment=comment, reason="Beleidigend"
        )
    services.flag_add(user=UserFactory(), measure=measure, reason="Doppelt")
    return comment


def test_facilitator_records_changes_status_answers_and_moderates(
    live_server, page, district, facilitator, flagged_comment
):
    base = live_server.url
    slug = district.slug
    log_in(page, base, facilitator.email, PASSWORD)

    # From the workspace start page to the form for recording on someone's behalf.
    page.goto(f"{base}/{slug}/verwaltung/")
    with page.expect_navigation():
        page.get_by_role("link", name="Maßnahme im Auftrag erfassen").click()
    form = page.locator("main form.sp-form")
    form.get_by_label("Telefon").check()
    form.get_by_label("Im Auftrag von").fill("Erika Muster")
    form.get_by_label("Titel").fill("Bürgerbus am Wochenende")
    form.get_by_label("Beschreibung").fill(
        "Ein Bus, der samstags die Dörfer mit der Stadt verbindet."
    )
    screenshot(page, "workspace-1-record")
    with page.expect_navigation():
        form.get_by_role("button", name="Erfassen und veröffentlichen").click()
    page.locator(".sp-messages .kern-alert--success").wait_for()
    assert page.locator("main").get_by_text("erfasst von").count() >= 1
    measure = Measure.objects.get(title="Bürgerbus am Wochenende")
    assert (measure.origin, measure.on_behalf_of, measure.recorded_by) == (
        Origin.PHONE,
        "Erika Muster",
        facilitator,
    )
    screenshot(page, "workspace-2-recorded")

    # Change its status with a public reason.
    with page.expect_navigation():
        page.get_by_role("link", name="Status ändern").click()
    form = page.locator("main form#status-form")
    form.get_by_label("Neuer Status").select_option(Status.UNDER_EVALUATION)
    form.get_by_label("Öffentliche Begründung").fill("Die Steuerungsgruppe prüft die Idee im Mai.")
    with page.expect_navigation():
        form.get_by_role("button", name="Status ändern").click()
    assert (
        page.locator("main").get_by_text("Die Steuerungsgruppe prüft die Idee im Mai.").is_visible()
    )
    measure.refresh_from_db()
    assert measure.status == Status.UNDER_EVALUATION

    # Publish an official answer.
    with page.expect_navigation():
        page.get_by_role("link", name="Offizielle Antwort veröffentlichen").click()
    form = page.locator("main form#answer-form")
    form.get_by_label("Offizielle Antwort").fill(
        "Der Landkreis prüft eine Förderung über das Programm LEADER."
    )
    with page.expect_navigation():
        form.get_by_role("button", name="Antwort veröffentlichen").click()
    assert page.locator("main").get_by_text("Programm LEADER").is_visible()
    measure.refresh_from_db()
    assert measure.official_answer.startswith("Der Landkreis prüft")
    screenshot(page, "workspace-3-answered")

    # The moderation queue: hide the flagged comment, with a reason.
    with page.expect_navigation():
        page.locator("main nav").get_by_role("link", name="Moderation", exact=True).click()
    article = page.locator("article", has_text="So ein Unsinn")
    assert article.get_by_text("2 offene Meldungen").is_visible()
    screenshot(page, "workspace-4-queue")
    with page.expect_navigation():
        article.get_by_role("link", name="Ausblenden").click()
    form = page.locator("main form.sp-form")
    with page.expect_navigation():
        form.get_by_role("button", name="Ausblenden").click()
    assert form.get_by_text("Bitte geben Sie eine Begründung an.").is_visible()
    page.locator("main form.sp-form").get_by_label("Begründung").fill(
        "Verstößt gegen die Netiquette"
    )
    with page.expect_navigation():
        page.locator("main form.sp-form").get_by_role("button", name="Ausblenden").click()
    page.locator(".sp-messages .kern-alert--success").wait_for()
    assert page.locator("main").get_by_text("Keine gemeldeten Kommentare.").is_visible()
    screenshot(page, "workspace-5-hidden")
    assert Comment.objects.get(pk=flagged_comment.pk).is_hidden
    action = ModerationAction.objects.get()
    assert (action.moderator, action.reason) == (facilitator, "Verstößt gegen die Netiquette")


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("moderation-queue", "moderation/"),
        ("workspace-list", "massnahmen/"),
        ("workspace-record", "massnahmen/erfassen/"),
        ("moderation-log", "moderation/protokoll/"),
    ],
)
def test_workspace_pages_have_no_axe_violations(
    live_server, axe_page, axe_source, district, facilitator, flagged_comment, name, path
):
    services.moderation_hide(
        moderator=facilitator, measure=flagged_comment.measure, reason="Doppelt eingereicht"
    )
    log_in(axe_page, live_server.url, facilitator.email, PASSWORD)
    axe_page.goto(f"{live_server.url}/{district.slug}/verwaltung/{path}")
    screenshot(axe_page, f"axe-{name}")
    violations = run_axe(axe_page, axe_source)
    assert not violations, format_violations(axe_page.url, violations)


def test_bulk_status_errors_have_no_axe_violations(
    live_server, axe_page, axe_source, district, facilitator, flagged_comment
):
    log_in(axe_page, live_server.url, facilitator.email, PASSWORD)
    axe_page.goto(f"{live_server.url}/{district.slug}/verwaltung/massnahmen/")
    with axe_page.expect_navigation():
        axe_page.get_by_role("button", name="Status der Auswahl ändern").click()
    assert axe_page.get_by_text("Es wurde nichts geändert.").is_visible()
    screenshot(axe_page, "axe-workspace-list-errors")
    violations = run_axe(axe_page, axe_source)
    assert not violations, format_violations(axe_page.url, violations)
