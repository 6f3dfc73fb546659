"""The XSS corpus through every text of a measure, viewed in Chromium: no dialog fires, and the
DOM the browser built holds no event handler, no script of the text's and no javascript: link.

The pages are opened with the site's Content-Security-Policy switched off (the axe context): the
CSP would block inline script anyway, and this test is about the HTML the site sends. Some of the
corpus goes in through the real forms (proposal with preview, comment, reply, withdrawal reason,
official answer); the whole corpus is stored through the services and every page viewed.
"""

import pytest

from measures import services
from measures.models import Measure, Status

from ..factories import PASSWORD, UserFactory
from ..strategy_portal.xss_payloads import XSS_CASES
from .conftest import log_in, screenshot

pytestmark = pytest.mark.browser

# A few payloads that fire on their own when they get through, typed into the forms.
TYPED = [
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph>"
    "</table></mtext></math>",
]

# What the browser parsed: event handlers, scripts not served from /static/, dangerous URLs.
FIND_ACTIVE = """() => {
    const found = [];
    for (const el of document.querySelectorAll("*")) {
        for (const attr of el.attributes) {
            const name = attr.name.toLowerCase();
            const value = attr.value.replace(/\\s+/g, "").toLowerCase();
            if (name.startsWith("on")) found.push(`${el.tagName} ${name}`);
            if (["href", "src", "action", "formaction", "xlink:href", "data"].includes(name)
                && /^(javascript|vbscript|data|livescript):/.test(value)) {
                found.push(`${el.tagName} ${name}=${attr.value}`);
            }
        }
        if (el.tagName === "SCRIPT" && !(el.getAttribute("src") || "").startsWith("/static/")) {
            found.push(`SCRIPT ${el.outerHTML.slice(0, 80)}`);
        }
        if (["IFRAME", "OBJECT", "EMBED", "BASE"].includes(el.tagName)) found.push(el.tagName);
    }
    return found;
}"""


def stored(payload: str) -> str:
    return payload.replace("\x00", "")


@pytest.fixture
def dialogs(axe_page):
    """Every dialog the page opens (alert, confirm, prompt, beforeunload), dismissed."""
    fired = []

    def on_dialog(dialog):
        fired.append(f"{dialog.type}: {dialog.message} on {axe_page.url}")
        dialog.dismiss()

    axe_page.on("dialog", on_dialog)
    return fired


def visit(page, url: str, problems: list) -> None:
    response = page.goto(url)
    assert response.status < 500, f"{url} answered {response.status}"
    page.wait_for_load_state("load")
    active = page.evaluate(FIND_ACTIVE)
    if active:
        problems.append(f"{url}: {active}")


def test_payloads_typed_into_the_forms_and_stored_in_every_field_never_run(
    live_server, axe_page, dialogs, district, facilitator, settings
):
    settings.MEASURES_MIN_FILL_SECONDS = 0
    settings.MEASURES_PROPOSALS_PER_DAY = 1000
    settings.MEASURES_COMMENTS_PER_HOUR = 1000
    base = live_server.url
    page = axe_page
    problems: list[str] = []
    author = UserFactory(email="autorin@example.org")
    company = UserFactory(email="firma@example.org", kind="company", organisation_name="<b>X</b>")

    # --- Typed into the forms: proposal (preview, then publish), comment, reply, withdrawal.
    log_in(page, base, author.email, PASSWORD)
    page.goto(f"{base}/{district.slug}/massnahmen/neu/")
    form = page.locator("main form.sp-form")
    form.locator("[name='title']").fill(f"Titel {TYPED[0]}")
    form.locator("[name='description']").fill("\n\n".join(TYPED))
    form.locator("[name='added_value']").fill(TYPED[1])
    form.locator("[name='feasibility']").fill(TYPED[2])
    form.locator("[name='tags']").fill("<img src=x onerror=alert(1)>")
    with page.expect_navigation():
        form.get_by_role("button", name="Vorschau").click()
    problems += [f"preview: {a}" for a in page.evaluate(FIND_ACTIVE)]
    screenshot(page, "xss-preview")
    with page.expect_navigation():
        page.get_by_role("button", name="Veröffentlichen").click()
    typed = Measure.objects.get(author=author)
    comment_form = page.locator("form#kommentieren")
    comment_form.locator("textarea[name='body']").fill("\n\n".join(TYPED))
    comment_form.get_by_role("button", name="Kommentar veröffentlichen").click()
    page.locator("#messages", has_text="Ihr Kommentar ist veröffentlicht.").wait_for()
    problems += [f"comment: {a}" for a in page.evaluate(FIND_ACTIVE)]
    first = typed.comments.get()
    item = page.locator(f"#{first.anchor}")
    item.locator("summary").first.click()
    item.locator("textarea[name='body']").fill(TYPED[3])
    item.get_by_role("button", name="Antwort veröffentlichen").click()
    page.locator("#messages", has_text="Ihre Antwort ist veröffentlicht.").wait_for()
    assert page.locator(".sp-comment--level-2").count() == 1
    problems += [f"reply: {a}" for a in page.evaluate(FIND_ACTIVE)]

    # The official answer through the workspace form, as the facilitator.
    staff = axe_page.context.browser.new_context(bypass_csp=True, locale="de-DE")
    staff_page = staff.new_page()
    staff_page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        log_in(staff_page, base, facilitator.email, PASSWORD)
        staff_page.goto(f"{base}/{district.slug}/verwaltung/massnahmen/{typed.pk}/antwort/")
        answer = staff_page.locator("main form#answer-form")
        answer.locator("textarea").first.fill("\n\n".join(TYPED))
        with staff_page.expect_navigation():
            answer.get_by_role("button", name="Antwort veröffentlichen").click()
        problems += [f"workspace: {a}" for a in staff_page.evaluate(FIND_ACTIVE)]
        staff_page.goto(f"{base}/{district.slug}/verwaltung/moderation/")
        problems += [f"queue: {a}" for a in staff_page.evaluate(FIND_ACTIVE)]
    finally:
        staff.close()
    typed.refresh_from_db()
    assert typed.official_answer, "the answer was not published"

    page.goto(f"{base}/{district.slug}/massnahmen/{typed.pk}/zurueckziehen/")
    page.locator("main form textarea").first.fill("\n\n".join(TYPED))
    with page.expect_navigation():
        page.locator("main form button[type='submit']").click()
    typed.refresh_from_db()
    assert typed.status == Status.WITHDRAWN
    screenshot(page, "xss-typed-measure")
    problems += [f"withdrawn: {a}" for a in page.evaluate(FIND_ACTIVE)]

    # --- The whole corpus in every field, stored through the services.
    measures = []
    for _case_id, raw in XSS_CASES:
        payload = stored(raw)
        measure = services.measure_submit(
            district=district,
            author=author,
            title=payload[:200],
            description=payload,
            added_value=payload,
            feasibility=payload,
            success_criteria=payload,
            funding_idea=payload,
            tags=[payload[:100].replace(",", " ")],
        )
        comment = services.comment_add(measure=measure, author=company, body=payload)
        services.comment_add(measure=measure, author=author, body=payload, parent=comment)
        services.status_change(
            measure=measure, user=facilitator, status=Status.UNDER_EVALUATION, reason=payload
        )
        services.answer_publish(measure=measure, user=facilitator, text=payload)
        services.measure_withdraw(measure=measure, user=author, reason=payload)
        measures.append(measure)

    for measure in measures:
        visit(page, base + measure.get_absolute_url(), problems)
    pages = Measure.objects.filter(district=district).count() // 20 + 1
    for number in range(1, pages + 1):
        visit(page, f"{base}/{district.slug}/massnahmen/?page={number}", problems)
    visit(page, f"{base}/{district.slug}/massnahmen/?q=alert", problems)
    visit(page, f"{base}/{district.slug}/", problems)
    screenshot(page, "xss-district")

    assert not dialogs, dialogs
    assert not problems, "\n".join(problems[:20])
