"""Settings of the load benchmark's server (bench/load.py; not for production).

The project's settings as they are, with two changes: the URL map adds the bare view
the benchmark measures as its ceiling (bench/load_urls.py; the product's urls.py stays
as it is), and `collectstatic` writes to the benchmark's temporary folder.
"""

import os
from pathlib import Path

from ouderbuddy.settings import *  # noqa: F403 - the project's settings, unchanged

ROOT_URLCONF = "bench.load_urls"
if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
