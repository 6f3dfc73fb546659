"""Every URL pattern, asked with every HTTP method a probe might send, answers in the site's design.

The URLs come from the resolver, built the same way as the permission matrix builds them, so a new
view is covered without an entry here. An answer is in the site's design when it is a redirect, or
an HTML page with the site's layout (the Django admin's own layout counts for its pages). Without a
body by definition: HEAD, and OPTIONS answered with the allowed methods. Never a 500.
"""

import pytest
from django.test import Client

from ..test_permission_matrix import ANONYMOUS, all_endpoints, concrete_url, world  # noqa: F401

METHODS = ["HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PROPFIND", "CONNECT"]
# Anonymous probes, and the roles that reach the most views (workspace, Django admin).
PROBING_ROLES = [ANONYMOUS, "district_admin", "site_admin"]

SITE_LAYOUT = 'class="sp-skip-link"'
ADMIN_LAYOUT = 'id="container"'


def verdict(method: str, response) -> str | None:
    """Why the answer is not in the site's design, or None when it is."""
    status = response.status_code
    if status >= 500:
        return f"{status}"
    if 300 <= status < 400:
        return None if response.get("Location") else f"{status} without Location"
    if method == "HEAD":
        return None
    body = response.content.decode(errors="replace")
    if method == "OPTIONS" and status == 200 and not body and response.get("Allow"):
        return None
    if not response.get("Content-Type", "").startswith("text/html"):
        return f"{status} {response.get('Content-Type')!r}"
    if SITE_LAYOUT not in body and ADMIN_LAYOUT not in body:
        return f"{status} without the site's layout: {body[:80]!r}"
    return None


@pytest.mark.parametrize("role", PROBING_ROLES)
def test_every_url_answers_every_method_in_the_sites_design(role, world, request):  # noqa: F811
    client = Client(raise_request_exception=False)
    if role != ANONYMOUS:
        client.force_login(request.getfixturevalue(role))
    failures = []
    for endpoint in all_endpoints():
        url = concrete_url(endpoint, world)
        for method in METHODS:
            response = client.generic(method, url, HTTP_ACCEPT="text/html")
            problem = verdict(method, response)
            if problem:
                failures.append(f"{method} {url} ({endpoint.key}) → {problem}")
    assert not failures, f"as {role}:\n  " + "\n  ".join(failures)


@pytest.mark.parametrize("method", ["TRACE", "PUT", "PATCH", "DELETE", "PROPFIND"])
def test_unusual_method_on_a_district_page_shows_the_405_page_in_the_districts_design(
    method, client, district
):
    response = client.generic(method, f"/{district.slug}/impressum/")

    assert response.status_code == 405
    assert "GET" in response["Allow"]
    page = response.content.decode()
    assert 'class="sp-skip-link"' in page
    assert district.theme_colour in page  # the district's branding, with the page's CSP nonce
    assert response["Content-Security-Policy"]
