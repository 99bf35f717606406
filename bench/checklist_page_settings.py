"""Settings for bench/checklist_page.py only: production settings plus the one-query baseline URL.

Static files are served from the source folders (no collectstatic manifest needed) and the URL
conf adds ``/__bench__/one-query/`` in front of the real one (config.urls is unchanged).
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.checklist_page_urls"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
