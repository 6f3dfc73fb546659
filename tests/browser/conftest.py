"""Browser tests: Playwright (sync API) drives Debian's Chromium against the live server.

Run them apart with `make test-browser` (`pytest -m browser`). They need /usr/bin/chromium
(`apt-get install chromium`) and axe-core from npm (`make install`); Playwright never downloads a
browser of its own here. Screenshots of every visited page land in test-results/.
"""

import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "test-results"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's Chromium with `apt-get install chromium`.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an asyncio event loop in the test thread; Django would then
    # refuse the ORM calls that fixtures and assertions make in that thread. Nothing here is
    # really async. Set only while the browser runs, so that other tests keep Django's check.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _site_url_is_the_live_server(request, settings):
    """Links in mails point at SITE_URL: in these tests, at the live server the browser visits."""
    if "live_server" in request.fixturenames:
        settings.SITE_URL = request.getfixturevalue("live_server").url


def _new_context(browser, **kwargs):
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900}, **kwargs)
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def context(browser):
    """A normal context: the site's Content-Security-Policy is enforced."""
    context = _new_context(browser)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def axe_context(browser):
    """A context that ignores CSP, only so that axe-core can be injected as an inline script."""
    context = _new_context(browser, bypass_csp=True)
    yield context
    context.close()


@pytest.fixture
def axe_page(axe_context):
    return axe_context.new_page()


@pytest.fixture(scope="session")
def axe_source():
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `make install` (npm ci).", pytrace=False)
    return AXE_SCRIPT.read_text(encoding="utf-8")


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot to test-results/<name>.png for a person to look at."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def run_axe(page, axe_source: str) -> list[dict]:
    """Run axe-core on the page at WCAG 2.1 A/AA and return its violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    return page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return results.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map((n) => ({
                    target: n.target, html: n.html, summary: n.failureSummary,
                })),
            }));
        }""",
        WCAG_TAGS,
    )


def format_violations(url: str, violations: list[dict]) -> str:
    """A report a developer can act on: rule, impact, what to do, and where."""
    lines = [f"{len(violations)} axe-core violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} [{violation['impact']}]: {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    at {json.dumps(node['target'])}: {node['html'][:200]}")
            if node.get("summary"):
                summary = node["summary"].replace("\n", " ")
                lines.append(f"       {summary[:300]}")
    return "\n".join(lines)


def same_origin(url: str, base_url: str) -> bool:
    """True for addresses of the live server (and for data:/blob:/about: ones, which go nowhere)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    base = urlsplit(base_url)
    return (parts.scheme, parts.netloc) == (base.scheme, base.netloc)


def log_in(page, base_url: str, email: str, password: str) -> None:
    """Log in through the login form, as a person would."""
    page.goto(f"{base_url}/konto/anmelden/")
    form = page.locator("main form")
    form.locator("input[name='login']").fill(email)
    form.locator("input[name='password']").fill(password)
    with page.expect_navigation():
        form.locator("button[type='submit']").first.click()
    assert "/konto/anmelden/" not in page.url, f"login failed, still on {page.url}"
