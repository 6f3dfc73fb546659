from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LanguageMiddleware:
    """German unless the visitor chose another language with the switch.

    Unlike Django's LocaleMiddleware, the browser's Accept-Language is not consulted: the
    platform is German-first, and the same address shows the same language to everyone who has
    not chosen otherwise.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class MethodNotAllowedPageMiddleware:
    """Gives the bare 405 of `require_POST`, class-based views and friends the site's own page.

    It must sit inside `CSPMiddleware` (after it in MIDDLEWARE): the page it renders uses the
    request's CSP nonce (a district's theme colour), and that nonce is only available until the
    CSP middleware has written its header on the way out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content:
            allowed = response.get("Allow", "")
            methods = {method.strip().upper() for method in allowed.split(",")}
            page = render(request, "405.html", {"page_can_be_opened": "GET" in methods}, status=405)
            page["Allow"] = allowed
            return page
        return response
