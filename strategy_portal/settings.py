"""Settings for Strategieportal, read from the environment.

Without any variable set, the project runs on the embedded default: a SQLite file, Celery tasks
executed in-process, e-mail printed to the console and files on the local disk. Production sets
DATABASE_URL (PostgreSQL), CELERY_BROKER_URL and CACHE_URL (Redis), SMTP and, when several machines
must share files, an S3-compatible storage. See README.md for the full list.
"""

import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
# The one address of the site in everything sent out: links and footers of every mail (allauth's
# included), whatever host a request came in on.
SITE_URL = (os.environ.get("SITE_URL") or "http://127.0.0.1:8000").rstrip("/")
# Where the PDF renderer keeps the fonts it converted from WOFF2 (a cache; default: the system's
# temporary folder).
PDF_FONT_CACHE_DIR = os.environ.get("PDF_FONT_CACHE_DIR", "")
# The licence of the strategy's text, named in the imprint of the strategy PDF.
# Empty (as the compose file passes an unset variable) means the default.
STRATEGY_TEXT_LICENCE = (
    os.environ.get("STRATEGY_TEXT_LICENCE")
    or "Creative Commons Namensnennung 4.0 International (CC BY 4.0), "
    "https://creativecommons.org/licenses/by/4.0/deed.de"
)

INSTALLED_APPS = [
    "strategy_portal",
    "measures",
    "workshops",
    "newsletters",
    # The roof: the strategy document (public pages, statistics, PDF); it reads every floor.
    "strategy_portal.strategy",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "allauth",
    "allauth.account",
    "rules",
    "django_htmx",
    "taggit",
    "csp",
    "anymail",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "strategy_portal.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Innermost: its 405 page needs the CSP nonce, the user and the messages of the request.
    "strategy_portal.middleware.MethodNotAllowedPageMiddleware",
]

ROOT_URLCONF = "strategy_portal.urls"
WSGI_APPLICATION = "strategy_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "strategy_portal.context_processors.site",
            ],
        },
    },
]
FORM_RENDERER = "strategy_portal.forms.KernFormRenderer"

# --- Database -------------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while a task writes; wait instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------------
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            # Redis, but each operation Redis cannot serve falls back to this process's memory:
            # with Redis down, logins and rate limits keep working (per process), /healthz says 503.
            "BACKEND": "strategy_portal.cache.FailoverRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "sp",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
elif CACHE_URL in ("", "locmem://"):
    # One process: the rate limits of allauth live in this process's memory. Room for the
    # rendered Markdown of a long thread (Django's default of 300 entries would evict it, page
    # after page, on a measure with 500 comments).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }
else:
    raise ImproperlyConfigured(f"CACHE_URL must be redis://… or locmem://, got {CACHE_URL!r}")

# --- Celery ---------------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
# Without a broker, tasks run in the web process right after the transaction commits.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/Berlin"
CELERY_BEAT_SCHEDULE = {
    # The sweep: mails that could not be enqueued (broker down), whose back-off after a failed
    # attempt is over, or whose sender died mid-send go out within about a minute.
    "send-queued-emails": {
        "task": "strategy_portal.tasks.send_queued_emails",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Phases begin at midnight; a missed run is caught up, a repeated one announces nothing twice.
    "strategy-open-due-phases": {
        "task": "strategy_portal.tasks.open_due_phases",
        "schedule": crontab(minute=1),
    },
    "newsletters-purge-unconfirmed": {
        "task": "newsletters.tasks.purge_unconfirmed_subscriptions",
        "schedule": 24 * 3600.0,
    },
    # Scheduled newsletters that are due, and sends whose worker died or whose tasks were lost.
    "newsletters-sweep": {
        "task": "newsletters.tasks.sweep_newsletters",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "newsletters-erase-old-ips": {
        "task": "newsletters.tasks.erase_old_subscription_ips",
        "schedule": 24 * 3600.0,
    },
    "measures-dispatch-pending-notifications": {
        "task": "measures.tasks.dispatch_pending_notification_events",
        "schedule": 300.0,
    },
    # Hourly from the morning on: a missed run is caught up, a repeated one sends nothing twice.
    "measures-daily-digests": {
        "task": "measures.tasks.send_daily_digests",
        "schedule": crontab(minute=5, hour="7-21"),
    },
    "measures-moderation-summaries": {
        "task": "measures.tasks.send_moderation_summaries",
        "schedule": crontab(minute=0),
    },
}

# --- E-mail ---------------------------------------------------------------------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = envint("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", EMAIL_PORT == 587)
    EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", EMAIL_PORT == 465)
    EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 30)
elif os.environ.get("EMAIL_FILE_PATH"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# A provider through django-anymail instead of SMTP, e.g.
# EMAIL_BACKEND=anymail.backends.brevo.EmailBackend and ANYMAIL_SETTINGS={"BREVO_API_KEY": "…"};
# its bounce and complaint webhook is /newsletter/anymail/<provider>/tracking/, protected by
# ANYMAIL_WEBHOOK_SECRET ("user:password" in the webhook's URL).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or EMAIL_BACKEND
ANYMAIL = {
    **json.loads(os.environ.get("ANYMAIL_SETTINGS") or "{}"),
    "WEBHOOK_SECRET": os.environ.get("ANYMAIL_WEBHOOK_SECRET") or None,
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or "Strategieportal <noreply@localhost>"
SERVER_EMAIL = os.environ.get("SERVER_EMAIL") or DEFAULT_FROM_EMAIL
# How long a worker's claim on a mail holds before the sweep puts it back in line (seconds): longer
# than one send can take (EMAIL_TIMEOUT per SMTP step). A worker that dies mid-send delays that
# one mail by this long, and it may arrive twice if the relay had already taken it.
EMAIL_SEND_LEASE = envint("EMAIL_SEND_LEASE", 300)

# --- Newsletters ----------------------------------------------------------------------------------
# How long a confirmation link works, and how long after a mail to an address the sign-up form
# sends none again (a repeated request changes nothing meanwhile).
NEWSLETTER_CONFIRMATION_HOURS = envint("NEWSLETTER_CONFIRMATION_HOURS", 72)
# The statistics page aggregates every support and comment of a district; its figures are kept
# this many seconds in the cache (0: computed on every request).
STATISTICS_CACHE_SECONDS = envint("STATISTICS_CACHE_SECONDS", 300)
NEWSLETTER_CONFIRMATION_COOLDOWN_MINUTES = envint("NEWSLETTER_CONFIRMATION_COOLDOWN_MINUTES", 15)
# Unconfirmed requests are deleted after this many days; the IP addresses of the proof of consent
# are erased this many days after the request or confirmation they belong to.
NEWSLETTER_PENDING_DAYS = envint("NEWSLETTER_PENDING_DAYS", 30)
NEWSLETTER_IP_RETENTION_DAYS = envint("NEWSLETTER_IP_RETENTION_DAYS", 90)
# Sending: at most this many newsletter mails per second and district (0: no limit), in chunks of
# this many mails over one SMTP connection, by this many tasks at once per newsletter.
NEWSLETTER_RATE_PER_SECOND = envint("NEWSLETTER_RATE_PER_SECOND", 10)
NEWSLETTER_CHUNK_SIZE = envint("NEWSLETTER_CHUNK_SIZE", 100)
NEWSLETTER_PARALLEL_CHUNKS = envint("NEWSLETTER_PARALLEL_CHUNKS", 2)

# --- Storage --------------------------------------------------------------------------------------
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_URL = "/static/"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Installed from npm by `make install`; never committed.
    ("kern", BASE_DIR / "node_modules" / "@kern-ux" / "native" / "dist"),
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
AWS_STORAGE_BUCKET_NAME = os.environ.get("S3_BUCKET", "")
if AWS_STORAGE_BUCKET_NAME:
    # Several web and worker machines share uploads and generated PDFs through the bucket.
    default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID", ""),
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY", ""),
            "region_name": os.environ.get("S3_REGION") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Read from the environment, not from settings.DEBUG at start-up (which the test runner turns off):
# in development and tests files are looked up when asked for, instead of every middleware
# instance (every test client) scanning all static files.
WHITENOISE_AUTOREFRESH = DEBUG
SERVE_MEDIA = envbool("SERVE_MEDIA", False)
FILE_UPLOAD_PERMISSIONS = 0o644
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Accounts -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "strategy_portal.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    # allauth's login by e-mail, with addresses the account owns (not unconfirmed claims)
    "strategy_portal.adapters.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SITE_ID = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "profile"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_REAUTHENTICATION_METHODS = ("password",)
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Strategieportal] "
ACCOUNT_ADAPTER = "strategy_portal.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "strategy_portal.forms.SignupForm"}
# Behind reverse proxies every request arrives from the last proxy; allauth's rate limits then
# count the visitor's address from X-Forwarded-For (this many entries from the right). 0: the header
# is ignored, since a visitor reaching the site directly could write anything into it.
ALLAUTH_TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
ACCOUNT_RATE_LIMITS = {
    # Tighter than allauth's defaults for the forms that send mail.
    "signup": "10/m/ip",
    "reset_password": "10/m/ip,3/m/key",
    # Newsletter sign-ups (newsletters app): a whole class may sign up over one school network.
    "newsletter_subscribe": os.environ.get("NEWSLETTER_SUBSCRIBE_RATE", "30/h/ip"),
}

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
# Our own catalogue, then formal ("Sie") overrides of django-allauth's German.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "_allauth"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "sp_language"
LANGUAGE_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG)
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Security -------------------------------------------------------------------------------------
# Secure by default whenever DEBUG is off; each can be relaxed behind a TLS-terminating proxy.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", not DEBUG)
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    # e.g. "HTTP_X_FORWARDED_PROTO=https" when a proxy terminates TLS and says so in a header.
    header, _sep, value = os.environ["SECURE_PROXY_SSL_HEADER"].partition("=")
    SECURE_PROXY_SSL_HEADER = (header, value or "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "strategy_portal.views.csrf_failure"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "media-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
if AWS_STORAGE_BUCKET_NAME and os.environ.get("S3_ENDPOINT_URL"):
    _endpoint = urlsplit(os.environ["S3_ENDPOINT_URL"])
    # Uploaded images and the sign-language videos come from the bucket.
    for _directive in ("img-src", "media-src"):
        CONTENT_SECURITY_POLICY["DIRECTIVES"][_directive].append(
            f"{_endpoint.scheme}://{_endpoint.netloc}"
        )

# --- Logging --------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL") or "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
