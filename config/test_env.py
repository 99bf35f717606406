"""Loaded by pytest (``-p config.test_env``) before Django: development defaults for tests."""

import os

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
