"""Private by design: with CSP enforced, pages load without violations and ask no other host."""

import pytest

from ..factories import PASSWORD, ActionFieldFactory, UserFactory
from .conftest import log_in, same_origin, screenshot

pytestmark = pytest.mark.browser

CSP_WORDS = ("content security policy", "content-security-policy")


def test_pages_work_with_csp_and_ask_no_other_host(live_server, page, district):
    ActionFieldFactory(district=district, title="Neue Arbeitsformen / Arbeit 4.0")
    user = UserFactory(email="csp@example.org")
    base = live_server.url
    requests: list[str] = []
    console_errors: list[str] = []
    page_errors: list[str] = []
    failed: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on(
        "console",
        lambda msg: (
            console_errors.append(f"{page.url}: {msg.text}") if msg.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: page_errors.append(f"{page.url}: {error}"))
    page.on(
        "requestfailed",
        # A request the browser dropped because the next page was already being loaded (the
        # favicon, typically) is no failure of the site; a blocked one (CSP, host) still is.
        lambda request: (
            failed.append(f"{request.url}: {request.failure}")
            if request.failure != "net::ERR_ABORTED"
            else None
        ),
    )

    paths = ["/", f"/{district.slug}/", "/konto/anmelden/", "/konto/registrieren/"]
    for path in paths:
        response = page.goto(base + path)
        assert response.status == 200, f"{path} answered {response.status}"
        policy = response.headers.get("content-security-policy", "")
        script_src = next((d for d in policy.split(";") if d.strip().startswith("script-src")), "")
        assert script_src, f"{path} is served without a script-src policy: {policy!r}"
        assert "unsafe-inline" not in script_src
        page.wait_for_load_state("networkidle")
        # The site's own stylesheet and script were allowed to load under the policy.
        assert page.evaluate("() => typeof window.htmx !== 'undefined'"), f"htmx blocked on {path}"
        assert page.evaluate("() => document.styleSheets.length >= 3"), f"CSS missing on {path}"
    log_in(page, base, user.email, PASSWORD)
    page.goto(f"{base}/konto/profil/")
    page.wait_for_load_state("networkidle")
    screenshot(page, "csp-profile")

    csp_errors = [e for e in console_errors if any(w in e.lower() for w in CSP_WORDS)]
    assert not csp_errors, "CSP violations:\n" + "\n".join(csp_errors)
    assert not page_errors, "JavaScript errors:\n" + "\n".join(page_errors)
    assert not failed, "failed requests:\n" + "\n".join(failed)
    foreign = sorted({url for url in requests if not same_origin(url, base)})
    assert not foreign, "requests to other hosts:\n" + "\n".join(foreign)
    assert any(url.endswith(".woff2") for url in requests), "the site's own fonts were not loaded"
