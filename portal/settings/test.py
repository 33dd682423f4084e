"""Test settings: the base settings with fixed secrets and fast hashing.

DATABASE_URL and REDIS_URL are honoured (CI points them at the real PostgreSQL and Redis); left
unset, tests run on SQLite and the filesystem broker.
"""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-use-0123456789abcdef")
os.environ.setdefault("PORTAL_ENCRYPTION_KEY", "n8nTsbXfGQhjvJ9GyPz9VkQzq8KMd8Rk0aVfQ7Mfo0c=")
os.environ.setdefault("ALLOWED_HOSTS", "*")
os.environ.setdefault("PORTAL_VAR_DIR", tempfile.mkdtemp(prefix="portal-test-var-"))

from portal.settings.base import *  # noqa: F403
from portal.settings.base import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"].setdefault("TEST", {})
# Static files are served from the finders in tests; no collectstatic run is needed.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = VAR_DIR / "static"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# Threads of the live server and the Celery worker write beside the tests: an in-memory SQLite
# database would answer "database table is locked"; a file in WAL mode waits instead.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"]["NAME"] = str(VAR_DIR / "test.sqlite3")  # noqa: F405
