# syntax=docker/dockerfile:1
# The Strategieportal image: one image for the web, worker and beat containers of
# docker-compose.yml; only the command differs. Build: `docker compose build`.

# --- Front-end assets -----------------------------------------------------------------------------
# The KERN UX design system and htmx come from npm at build time and are never committed.
# Debian's Node.js is enough for `npm ci`; it stays in this stage and not in the final image.
FROM python:3.11-slim-bookworm AS assets
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY package.json package-lock.json ./
# Runtime dependencies only: axe-core is a devDependency for the browser tests.
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

# --- Application ----------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    WEB_CONCURRENCY=3

# WeasyPrint renders PDFs with Pango (text layout) and HarfBuzz (font subsetting);
# gettext compiles the German and English catalogues; fonts-dejavu-core is a fallback font
# for characters the site's own fonts lack.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
        libfontconfig1 fonts-dejavu-core shared-mime-info gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 1000 app \
    && useradd --system --uid 1000 --gid app --home-dir /app --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them. The project declares no
# importable package (`packages = []`): `pip install ".[s3]"` installs exactly its dependencies,
# the S3 storage included, and the code runs from /app. pyproject.toml pins what matters here:
# gunicorn to the tested series (as in the development venv) and the setuptools that builds it.
COPY pyproject.toml README.md LICENSE ./
RUN pip install ".[s3]"

COPY --from=assets /build/node_modules ./node_modules
COPY . .

# Static files and message catalogues are built into the image. collectstatic runs with DEBUG off,
# so whitenoise's compressed manifest storage is what gets written; the key is a throw-away one.
RUN DEBUG=0 SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput --verbosity 0 \
    && DEBUG=0 SECRET_KEY=build-only-not-secret python manage.py compilemessages \
        --ignore 'node_modules/*' --ignore '.venv/*' --verbosity 0 \
    && mkdir -p /app/media \
    && chown app:app /app/media

USER app

EXPOSE 8000
# gunicorn takes its number of worker processes from WEB_CONCURRENCY. The worker and beat
# containers override the command (see docker-compose.yml).
CMD ["gunicorn", "strategy_portal.wsgi:application", "--bind", "0.0.0.0:8000", \
     "--access-logfile", "-", "--timeout", "60"]
