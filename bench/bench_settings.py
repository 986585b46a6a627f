"""Settings of the events benchmark (bench/events.py) only: the application's own settings, with
the bench's URLs (the bare view beside the real ones) and the public RSVP rate limit raised.

Why the rate limit is raised here, and only here: the limiter counts per client address, and the
load generator is one address (127.0.0.1), so the real limit (20 per 10 minutes) would answer
429 after the 20th RSVP. The limiter still runs on every POST (its cost is measured); only its
threshold changes. Production never imports this module: it is outside ``src/`` and selected by
``DJANGO_SETTINGS_MODULE=bench_settings`` in the benchmark's own environment."""

import os

from alianza.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
ALIANZA_RSVP_RATE_LIMIT = int(os.environ.get("BENCH_RSVP_RATE_LIMIT", "1000000"))
