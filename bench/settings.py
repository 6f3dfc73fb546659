"""Settings of the benchmark server: the project's own settings plus the bench URLConf.

Everything else comes from `strategy_portal.settings`, read from the environment that
`python -m bench` prepares (DEBUG=0, a throwaway SQLite database, no HTTPS on 127.0.0.1).
"""

import os

from strategy_portal.settings import *  # noqa: F403
from strategy_portal.settings import DEBUG, STATIC_ROOT, STORAGES

ROOT_URLCONF = "bench.urls"

# The run collects static files into its temporary directory, never into the checkout.
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT") or STATIC_ROOT

if not DEBUG:
    # Production uses WhiteNoise's CompressedManifestStaticFilesStorage. Pages pay for its manifest
    # lookup on every {% static %}, which this storage keeps; the compression only speeds up serving
    # the files themselves, which is not measured, and would add some ten seconds to each run.
    STORAGES = {
        **STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
