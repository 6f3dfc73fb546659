"""Measures as new users meet them, in Debian's Chromium with the site's CSP on.

A citizen and a company sign up through the real pages and confirm their addresses from the mail;
the citizen proposes a measure (form, preview, publish), the company supports it, comments and
follows (htmx: the live region says what happened and the focus stays sensible; without
JavaScript the same works as a POST and a redirect); the citizen replies, and the company gets the
mails, whose link turns them off without logging in. A facilitator records an idea on someone's
behalf, answers, changes the status with a reason, merges the duplicate and moderates a flagged
comment. axe-core then checks the list, the measure (after the swaps), the proposal form and the
moderation queue.
"""

import re

import pytest
from django.core import mail

from measures import services
from measures.models import (
    Comment,
    Flag,
    Measure,
    MeasureMerge,
    NotificationFrequency,
    NotificationSettings,
    Origin,
    Status,
    Support,
)
from strategy_portal.models import User

from ..factories import PASSWORD, ActionFieldFactory
from .conftest import _new_context, format_violations, log_in, run_axe, screenshot

pytestmark = pytest.mark.browser

CONFIRM_LINK = re.compile(r"https?://\S+/konto/e-mail-bestaetigen/\S+")
OFF_LINK = re.compile(r"https?://\S+/konto/benachrichtigungen/aus/\S+/")
CITIZEN = "kim.neu@example.org"
COMPANY = "info@tischlerei-hahn.example"
TITLE = "Coworking auf Probe im Dorfgemeinschaftshaus"


@pytest.fixture(autouse=True)
def _no_minimum_fill_time(settings):
    """People type slower than Playwright; the anti-spam fill time is tested elsewhere."""
    settings.MEASURES_MIN_FILL_SECONDS = 0


def sign_up(page, base: str, email: str, *, company: str | None = None) -> None:
    """Sign up through the form, confirm the address from the mail, log in."""
    page.goto(f"{base}/konto/registrieren/")
    form = page.locator("main form")
    form.locator("input[name='email']").fill(email)
    form.locator("input[name='password1']").fill(PASSWORD)
    form.locator("input[name='password2']").fill(PASSWORD)
    if company:
        form.locator("input[name='kind'][value='company']").check()
        form.locator("input[name='organisation_name']").fill(company)
        form.locator("select[name='sector']").select_option(index=1)
        form.locator("select[name='company_size']").select_option(index=1)
    form.locator("input[name='privacy_consent']").check()
    with page.expect_navigation():
        form.locator("button[type='submit']").click()
    assert "/konto/registrieren/" not in page.url, page.locator("main").inner_text()[:500]
    link = next(
        CONFIRM_LINK.search(m.body).group(0)
        for m in reversed(mail.outbox)
        if m.to == [email] and CONFIRM_LINK.search(m.body)
    )
    page.goto(link)
    with page.expect_navigation():
        page.locator("main form button[type='submit']").click()
    log_in(page, base, email, PASSWORD)


def mails_to(email: str, subject_part: str) -> list:
    return [m for m in mail.outbox if m.to == [email] and subject_part in m.subject]


def live_region(page) -> str:
    return " ".join(page.locator("#messages").inner_text().split())


def wait_for_announcement(page, text: str) -> None:
    page.locator("#messages", has_text=text).wait_for()


def wait_for_focus(page, element_id: str) -> None:
    """htmx moves the focus once a swap has settled: wait for it (fails after the timeout)."""
    page.wait_for_function("id => document.activeElement?.id === id", arg=element_id)


def test_citizen_and_company_take_part_and_a_facilitator_answers_merges_and_moderates(
    browser, live_server, district, facilitator
):
    base = live_server.url
    slug = district.slug
    ActionFieldFactory(district=district, title="Neue Arbeitsformen / Arbeit 4.0")
    contexts = []

    def new_page(**kwargs):
        context = _new_context(browser, **kwargs)
        contexts.append(context)
        page = context.new_page()
        page.csp_errors = []
        page.on(
            "console",
            lambda message: (
                page.csp_errors.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        return page

    try:
        citizen_page = new_page()
        company_page = new_page()

        # --- Both sign up as new users would.
        sign_up(citizen_page, base, CITIZEN)
        sign_up(company_page, base, COMPANY, company="Tischlerei Hahn GmbH")
        citizen, company = User.objects.get(email=CITIZEN), User.objects.get(email=COMPANY)
        assert (citizen.kind, company.kind) == ("citizen", "company")

        # --- The citizen proposes: form, preview, publish.
        page = citizen_page
        page.goto(f"{base}/{slug}/massnahmen/")
        with page.expect_navigation():
            page.get_by_role("link", name="Maßnahme vorschlagen").click()
        form = page.locator("main form.sp-form")
        form.locator("[name='title']").fill(TITLE)
        form.locator("[name='description']").fill(
            "Ein Raum mit schnellem Internet, drei Monate zum Ausprobieren."
        )
        form.locator("[name='added_value']").fill("Weniger Pendeln, mehr Leben im Ort.")
        form.locator("[name='feasibility']").fill("Popup-Test mit der Hochschule.")
        form.locator("[name='action_field']").select_option(label="Neue Arbeitsformen / Arbeit 4.0")
        form.locator("[name='tags']").fill("Coworking, Ehrenamt")
        screenshot(page, "measures-journey-01-propose")
        with page.expect_navigation():
            form.get_by_role("button", name="Vorschau").click()
        assert page.locator("h1").inner_text() == "Vorschau Ihres Vorschlags"
        assert page.locator("main").get_by_text("Weniger Pendeln, mehr Leben im Ort.").is_visible()
        assert not Measure.objects.exists(), "the preview must not publish"
        screenshot(page, "measures-journey-02-preview")
        with page.expect_navigation():
            page.get_by_role("button", name="Veröffentlichen").click()
        measure = Measure.objects.get(title=TITLE)
        assert page.url.endswith(measure.get_absolute_url())
        assert page.get_by_role("heading", level=1).inner_text() == TITLE
        assert page.get_by_role("link", name="Maßnahme bearbeiten").is_visible()
        screenshot(page, "measures-journey-03-published")

        # --- The company finds it in the list and supports it (htmx).
        page = company_page
        page.goto(f"{base}/{slug}/massnahmen/")
        with page.expect_navigation():
            page.get_by_role("link", name=TITLE).click()
        support = page.locator("#support-button")
        support.focus()
        page.keyboard.press("Enter")
        wait_for_announcement(page, "Unterstützung gezählt: 1")
        assert support.get_attribute("aria-pressed") == "true"
        wait_for_focus(page, "support-button")  # the focus stays on the button after the swap
        assert page.locator("#unterstuetzen").get_by_text("1 Unternehmen").is_visible()
        assert page.locator("#unterstuetzen").get_by_text("0 Bürger*innen").is_visible()
        assert Support.objects.filter(measure=measure, user=company).exists()

        # A comment (htmx): the thread is swapped, the new comment has the focus.
        form = page.locator("form#kommentieren")
        form.get_by_label("Ihr Kommentar").fill("Wir würden zwei Plätze **fest** mieten.")
        form.get_by_role("button", name="Kommentar veröffentlichen").click()
        wait_for_announcement(page, "Ihr Kommentar ist veröffentlicht.")
        comment = Comment.objects.get(author=company)
        wait_for_focus(page, comment.anchor)
        assert page.locator(f"#{comment.anchor} strong", has_text="fest").is_visible()
        assert page.get_by_role("heading", name="1 Kommentar").is_visible()

        # Follow (htmx); the button says so and keeps the focus.
        page.locator("#follow-button").click()
        wait_for_announcement(page, "Sie folgen dieser Maßnahme jetzt.")
        assert page.locator("#follow-button").get_attribute("aria-pressed") == "true"
        wait_for_focus(page, "follow-button")
        screenshot(page, "measures-journey-04-company-took-part")
        assert not page.csp_errors, page.csp_errors

        # --- The citizen can no longer edit, and replies (htmx) to the company.
        page = citizen_page
        page.reload()
        assert page.get_by_role("link", name="Maßnahme bearbeiten").count() == 0
        thread_item = page.locator(f"#{comment.anchor}")
        thread_item.locator("summary").first.click()
        thread_item.get_by_label("Ihre Antwort").fill("Danke, das hilft der Planung!")
        thread_item.get_by_role("button", name="Antwort veröffentlichen").click()
        wait_for_announcement(page, "Ihre Antwort ist veröffentlicht.")
        reply = Comment.objects.get(parent=comment)
        wait_for_focus(page, reply.anchor)
        assert page.locator(f"#{reply.anchor}").get_by_text("Danke, das hilft").is_visible()
        screenshot(page, "measures-journey-05-reply")

        # The company is told about the reply, with a link to it.
        [reply_mail] = mails_to(COMPANY, "Neue Antwort")
        assert f"{base}{reply.get_absolute_url()}" in reply_mail.body

        # The company corrects its comment within 15 minutes: it is marked „bearbeitet“.
        page = company_page
        page.reload()
        with page.expect_navigation():
            page.locator(f"#{comment.anchor} .sp-comment__actions").first.get_by_role(
                "link", name="Bearbeiten"
            ).click()
        page.locator("main form textarea[name='body']").fill("Wir würden drei Plätze mieten.")
        with page.expect_navigation():
            page.get_by_role("button", name="Kommentar speichern").click()
        assert page.url.endswith(f"#{comment.anchor}")
        meta = page.locator(f"#{comment.anchor} .sp-comment__meta").first
        assert "bearbeitet" in meta.inner_text()
        assert page.locator(f"#{comment.anchor}").get_by_text("drei Plätze").is_visible()

        # --- Without JavaScript, support is a POST and a redirect back to the same place.
        nojs = new_page(java_script_enabled=False)
        log_in(nojs, base, COMPANY, PASSWORD)
        nojs.goto(base + measure.get_absolute_url())
        with nojs.expect_navigation():
            nojs.get_by_role("button", name="Unterstützt – zurücknehmen").click()
        assert nojs.url.endswith(f"{measure.get_absolute_url()}#unterstuetzen")
        assert "Unterstützung zurückgenommen: 0" in live_region(nojs)
        with nojs.expect_navigation():
            nojs.get_by_role("button", name="Unterstützen").click()
        assert "Unterstützung gezählt: 1" in live_region(nojs)
        measure.refresh_from_db()
        assert (measure.support_count, measure.support_count_company) == (1, 1)

        # The citizen reports a comment that breaks the rules.
        page = citizen_page
        rude = services.comment_add(
            measure=measure, author=company, body="Typisch, das wird eh nichts."
        )
        page.goto(base + measure.get_absolute_url())
        with page.expect_navigation():
            page.locator(f"#{rude.anchor}").get_by_role("link", name="Melden").click()
        page.get_by_label("Was ist daran nicht in Ordnung?").fill("Abwertend, kein Argument.")
        with page.expect_navigation():
            page.get_by_role("button", name="Meldung senden").click()
        assert Flag.objects.filter(comment=rude, user=citizen).exists()

        # --- A facilitator records a duplicate from a phone call…
        staff = new_page()
        log_in(staff, base, facilitator.email, PASSWORD)
        staff.goto(f"{base}/{slug}/verwaltung/massnahmen/erfassen/")
        form = staff.locator("main form.sp-form")
        form.get_by_label("Telefon").check()
        form.get_by_label("Im Auftrag von").fill("Erika Muster")
        form.get_by_label("Titel").fill("Coworking im Dorf")
        form.get_by_label("Beschreibung").fill("Ein Arbeitsplatz im Dorf, statt täglich pendeln.")
        with staff.expect_navigation():
            form.get_by_role("button", name="Erfassen und veröffentlichen").click()
        duplicate = Measure.objects.get(title="Coworking im Dorf")
        assert (duplicate.origin, duplicate.on_behalf_of) == (Origin.PHONE, "Erika Muster")
        staff.goto(base + duplicate.get_absolute_url())
        assert staff.locator(".sp-provenance").get_by_text("im Auftrag von Erika Muster").count()

        # …answers the citizen's measure, and changes its status with a reason.
        hub = f"{base}/{slug}/verwaltung/massnahmen/{measure.pk}/"
        staff.goto(hub)
        with staff.expect_navigation():
            staff.get_by_role("link", name="Offizielle Antwort veröffentlichen").click()
        form = staff.locator("main form#answer-form")
        form.get_by_label("Offizielle Antwort").fill("Der Landkreis stellt den Raum im Mai.")
        with staff.expect_navigation():
            form.get_by_role("button", name="Antwort veröffentlichen").click()
        with staff.expect_navigation():
            staff.get_by_role("link", name="Status ändern").click()
        form = staff.locator("main form#status-form")
        form.get_by_label("Neuer Status").select_option(Status.PRIORITISED)
        form.get_by_label("Öffentliche Begründung").fill("Passt zum Handlungsfeld Arbeit 4.0.")
        with staff.expect_navigation():
            form.get_by_role("button", name="Status ändern").click()
        measure.refresh_from_db()
        assert measure.status == Status.PRIORITISED
        assert measure.official_answer.startswith("Der Landkreis stellt")

        # …merges the duplicate into it.
        staff.goto(f"{base}/{slug}/verwaltung/massnahmen/{duplicate.pk}/")
        with staff.expect_navigation():
            staff.get_by_role("link", name="Mit einer anderen Maßnahme zusammenführen").click()
        staff.locator("main form[role='search'] input[name='q']").fill(str(measure.pk))
        with staff.expect_navigation():
            staff.get_by_role("button", name="Suchen").click()
        staff.get_by_label(re.compile(re.escape(TITLE))).check()
        with staff.expect_navigation():
            staff.get_by_role("button", name="Weiter: sehen, was übertragen wird").click()
        with staff.expect_navigation():
            staff.get_by_role("button", name="Jetzt zusammenführen").click()
        merge = MeasureMerge.objects.get()
        assert (merge.duplicate, merge.target, merge.merged_by) == (duplicate, measure, facilitator)
        screenshot(staff, "measures-journey-06-merged")

        # …and hides the reported comment from the moderation queue.
        staff.goto(f"{base}/{slug}/verwaltung/moderation/")
        article = staff.locator("article", has_text="Typisch, das wird eh nichts.")
        with staff.expect_navigation():
            article.get_by_role("link", name="Ausblenden").click()
        staff.locator("main form.sp-form").get_by_label("Begründung").fill("Netiquette")
        with staff.expect_navigation():
            staff.locator("main form.sp-form").get_by_role("button", name="Ausblenden").click()
        rude.refresh_from_db()
        assert rude.is_hidden

        # The public sees where the duplicate went, the answer, the reason and the hidden note.
        page.goto(base + duplicate.get_absolute_url())
        assert page.url.endswith(measure.get_absolute_url())
        assert "Coworking im Dorf" in live_region(page)
        main = page.locator("main")
        assert main.get_by_text("Der Landkreis stellt den Raum im Mai.").is_visible()
        assert main.get_by_text("Passt zum Handlungsfeld Arbeit 4.0.").is_visible()
        assert (
            page.locator(f"#{rude.anchor}").get_by_text("Von der Moderation ausgeblendet").count()
        )
        assert "Typisch, das wird eh nichts." not in main.inner_text()
        screenshot(page, "measures-journey-07-public-after")

        # The company deletes its comment: „Kommentar gelöscht“, the citizen's reply stays.
        company_page.goto(base + comment.get_absolute_url())
        with company_page.expect_navigation():
            company_page.locator(f"#{comment.anchor} .sp-comment__actions").first.get_by_role(
                "link", name="Löschen"
            ).click()
        with company_page.expect_navigation():
            company_page.get_by_role("button", name="Kommentar löschen").click()
        item = company_page.locator(f"#{comment.anchor}")
        assert item.locator(".sp-comment__meta").first.get_by_text("Kommentar gelöscht").count()
        assert "drei Plätze" not in item.inner_text()
        assert item.locator(f"#{reply.anchor}").get_by_text("Danke, das hilft").is_visible()
        screenshot(company_page, "measures-journey-08-deleted")

        # --- The company got a mail for the answer and the status change (as did the author,
        # who follows their own measure); the link in it turns the mails off without logging in.
        [answer_mail] = mails_to(COMPANY, "Offizielle Antwort")
        [status_mail] = mails_to(COMPANY, "Status")
        assert len(mails_to(CITIZEN, "Status")) == 1, "the author follows their measure"
        assert "Passt zum Handlungsfeld Arbeit 4.0." in status_mail.body
        off_link = OFF_LINK.search(status_mail.body).group(0)
        assert status_mail.extra_headers["List-Unsubscribe"] == f"<{off_link}>"
        assert OFF_LINK.search(answer_mail.body)
        visitor = new_page()
        visitor.goto(off_link)
        assert visitor.get_by_role("link", name="Anmelden").first.is_visible()  # not logged in
        with visitor.expect_navigation():
            visitor.get_by_role("button", name="E-Mails abbestellen").click()
        assert visitor.locator("main [role='status']").is_visible()
        assert NotificationSettings.frequency_of(company) == NotificationFrequency.OFF
        screenshot(visitor, "measures-journey-09-mails-off")
    finally:
        for context in contexts:
            context.close()


def test_measure_pages_after_the_swaps_have_no_axe_violations(
    live_server, axe_page, axe_source, district, facilitator, company, citizen, settings
):
    """List, the measure with a filled live region and focus on the new comment, the proposal
    form, and the moderation queue with a flagged comment."""
    measure = services.measure_submit(
        district=district,
        author=citizen,
        title=TITLE,
        description="Ein Raum, schnelles Internet.",
    )
    base = live_server.url
    reports = []

    def check(name):
        screenshot(axe_page, f"axe-measures-journey-{name}")
        violations = run_axe(axe_page, axe_source)
        if violations:
            reports.append(format_violations(f"{axe_page.url} ({name})", violations))

    log_in(axe_page, base, company.email, PASSWORD)
    axe_page.goto(f"{base}/{district.slug}/massnahmen/")
    check("list")
    axe_page.goto(base + measure.get_absolute_url())
    axe_page.locator("#support-button").click()
    wait_for_announcement(axe_page, "Unterstützung gezählt: 1")
    check("detail-supported")
    form = axe_page.locator("form#kommentieren")
    form.get_by_label("Ihr Kommentar").fill("Gute Idee")
    form.get_by_role("button", name="Kommentar veröffentlichen").click()
    wait_for_announcement(axe_page, "Ihr Kommentar ist veröffentlicht.")
    check("detail-commented")
    # An empty comment: the error comes back in the swapped thread, focused and announced.
    form = axe_page.locator("form#kommentieren")
    form.get_by_role("button", name="Kommentar veröffentlichen").click()
    wait_for_announcement(axe_page, "Ihr Kommentar wurde nicht veröffentlicht.")
    # htmx moves the focus once the swap has settled.
    axe_page.wait_for_function("() => document.activeElement?.name === 'body'")
    check("detail-comment-error")
    axe_page.goto(f"{base}/{district.slug}/massnahmen/neu/")
    check("propose")

    services.flag_add(user=citizen, comment=Comment.objects.get(), reason="Werbung")
    axe_page.context.clear_cookies()
    log_in(axe_page, base, facilitator.email, PASSWORD)
    axe_page.goto(f"{base}/{district.slug}/verwaltung/moderation/")
    assert axe_page.locator("article", has_text="Gute Idee").count() == 1
    check("moderation-queue")
    assert not reports, "\n\n".join(reports)


def test_more_comments_load_in_place_or_as_a_page_without_javascript(
    live_server, axe_page, axe_source, browser, district, company, citizen
):
    """A measure with more threads than one page: htmx appends the next ones below, says so in
    the live region and moves the focus to the first one loaded; without JavaScript the control
    is a link to the next page, which links back. axe-core checks both."""
    measure = services.measure_submit(
        district=district, author=citizen, title=TITLE, description="Ein Raum, schnelles Internet."
    )
    count = Comment.THREADS_PER_PAGE + 5
    for n in range(count):
        top = Comment.objects.create(measure=measure, author=company, body=f"Thema {n}")
        Comment.objects.create(
            measure=measure, author=citizen, body=f"Antwort {n}", parent=top, depth=1
        )
    services.recount(measure_ids=[measure.pk])
    first_loaded = Comment.objects.filter(parent=None).order_by("created", "pk")[
        Comment.THREADS_PER_PAGE
    ]
    base = live_server.url
    reports = []

    def check(page, name):
        screenshot(page, f"axe-measures-more-comments-{name}")
        violations = run_axe(page, axe_source)
        if violations:
            reports.append(format_violations(f"{page.url} ({name})", violations))

    threads = axe_page.locator("#kommentare-liste > li")
    axe_page.goto(base + measure.get_absolute_url())
    assert threads.count() == Comment.THREADS_PER_PAGE
    check(axe_page, "first-page")
    axe_page.get_by_role("link", name="Weitere Kommentare anzeigen").click()
    wait_for_announcement(axe_page, "10 weitere Kommentare geladen")
    axe_page.wait_for_function(
        "(id) => document.activeElement.id === id", arg=f"kommentar-{first_loaded.pk}"
    )
    assert threads.count() == count
    wait_for_focus(axe_page, f"kommentar-{first_loaded.pk}")
    assert axe_page.get_by_role("link", name="Weitere Kommentare anzeigen").count() == 0
    assert "?kommentare" not in axe_page.url
    check(axe_page, "appended")
    axe_page.goto(f"{base}{measure.get_absolute_url()}?kommentare=2#kommentare")
    check(axe_page, "second-page")

    no_js = _new_context(browser, java_script_enabled=False, bypass_csp=True)
    try:
        page = no_js.new_page()
        page.goto(base + measure.get_absolute_url())
        with page.expect_navigation():
            page.get_by_role("link", name="Weitere Kommentare anzeigen").click()
        assert page.url.endswith("?kommentare=2#kommentare")
        assert page.locator("#kommentare-liste > li").count() == 5
        assert page.get_by_text("Thema 0", exact=True).count() == 0
        assert page.get_by_role("link", name="Vorherige Kommentare anzeigen").count() == 1
        screenshot(page, "measures-more-comments-no-js-second-page")
    finally:
        no_js.close()
    assert not reports, "\n\n".join(reports)


@pytest.mark.parametrize("width", [1280, 375])
def test_measure_pages_fit_the_screen(live_server, page, district, facilitator, company, width):
    """List, measure (with a three-level thread, answer and history), proposal form and
    moderation queue: nothing wider than the screen, at desktop and at phone width."""
    field = ActionFieldFactory(district=district, title="Nahversorgung, Einzelhandel und Gewerbe")
    author = User.objects.create_user(
        email="lang@example.org",
        password=PASSWORD,
        display_name="Maximiliane Mustermann-Überlänge aus Großenhain-Zabeltitz",
    )
    measure = services.measure_submit(
        district=district,
        author=author,
        title="Digitale Dorfläden mit Selbstbedienungskasse und Abholstation "
        "für Lebensmittel aus der Region",
        description="Eine sehr lange Beschreibung. "
        * 40
        + "\n\nhttps://www.landkreis-beispiel.de/ein/sehr/langer/pfad/ohne/leerzeichen/"
        "der/umbrechen/muss/damit/nichts/uebersteht",
        added_value="Kurze Wege.",
        feasibility="Förderung über LEADER.",
        action_field=field,
        tags=["Nahversorgung", "Digitalisierung", "Ehrenamt"],
    )
    services.support_add(measure=measure, user=company)
    parent = None
    for depth in range(4):
        parent = services.comment_add(
            measure=measure,
            author=company if depth % 2 == 0 else author,
            body=f"Beitrag auf Ebene {depth + 1}: " + "Wortreich " * 30,
            parent=parent,
        )
    services.flag_add(user=author, comment=parent, reason="Werbung")
    services.status_change(
        measure=measure, user=facilitator, status=Status.UNDER_EVALUATION, reason="Wir prüfen."
    )
    services.answer_publish(measure=measure, user=facilitator, text="Danke für die Idee.")
    page.set_viewport_size({"width": width, "height": 900})
    base = live_server.url
    log_in(page, base, facilitator.email, PASSWORD)
    overflowing = []
    for name, path in [
        ("list", f"/{district.slug}/massnahmen/"),
        ("detail", measure.get_absolute_url()),
        ("propose", f"/{district.slug}/massnahmen/neu/"),
        ("moderation-queue", f"/{district.slug}/verwaltung/moderation/"),
    ]:
        response = page.goto(base + path)
        assert response.status == 200, path
        screenshot(page, f"measures-{name}-{width}")
        wide = page.evaluate(
            """() => {
                const limit = document.documentElement.clientWidth;
                return [...document.querySelectorAll("main *")]
                    .filter((el) => el.getBoundingClientRect().right > limit + 1)
                    .map((el) => el.tagName + "." + el.className).slice(0, 5);
            }"""
        )
        if wide or page.evaluate("() => document.documentElement.scrollWidth") > width:
            overflowing.append(f"{name}: {wide}")
    assert not overflowing, overflowing
