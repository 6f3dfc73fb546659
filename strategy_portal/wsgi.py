import logging
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "strategy_portal.settings")

application = get_wsgi_application()

if not settings.DEBUG and "locmem" in settings.CACHES["default"]["BACKEND"].lower():
    # Said when serving, not as a system check: `check --deploy` stays clean for one process.
    logging.getLogger("strategy_portal").warning(
        "CACHE_URL is not set: rate limits and the cache live in each process's memory. "
        "Set CACHE_URL=redis://… when more than one web process serves the site."
    )
