"""Settings for the Custom Speech Portal, read from the environment.

Unset DATABASE_URL and REDIS_URL give the embedded defaults (SQLite in WAL mode and Celery's
filesystem broker), so `make run` needs no server.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from portal.env import dev_secret, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("PORTAL_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = dev_secret(VAR_DIR / "secret_key", lambda: secrets.token_urlsafe(50))

# Fernet keys for secrets at rest; a comma-separated list rotates (first encrypts, all decrypt).
PORTAL_ENCRYPTION_KEY = env_str("PORTAL_ENCRYPTION_KEY")
if not PORTAL_ENCRYPTION_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("PORTAL_ENCRYPTION_KEY must be set when DEBUG is off")
    PORTAL_ENCRYPTION_KEY = dev_secret(
        VAR_DIR / "encryption_key", lambda: Fernet.generate_key().decode()
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "portal",
    "projects",
    "training",
    "deployments",
    "lifecycle",
    "localspeech",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.navigation",
            ],
        },
    },
]


def _database(url: str | None) -> dict:
    if not url:
        # Embedded default. WAL lets readers and one writer work side by side; IMMEDIATE
        # transactions take the write lock up front, so web, worker and beat wait for each
        # other (up to `timeout`) instead of failing with "database is locked".
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "portal.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
                ),
            },
        }
    if not url.startswith(("postgres://", "postgresql://", "sqlite:")):
        raise ImproperlyConfigured(f"DATABASE_URL must be postgres:// or sqlite:, not {url[:12]!r}")
    return dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))


DATABASES = {"default": _database(env_str("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # Shared by the web, worker and beat processes, which a per-process memory cache is not.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache",
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))

# Production-safe when DEBUG is off. HTTPS redirects and HSTS belong to the reverse proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS", ["security.W004", "security.W008"])

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "portal@localhost")
# Where the portal is reached, for links in emails.
PORTAL_URL = env_str("PORTAL_URL", "http://127.0.0.1:8000")

# Celery: three queues. `sync` carries every call to a Speech resource, `engine` the bundled
# speech service's heavy jobs, `default` everything else.
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # A task lost with a killed worker is delivered again after this many seconds.
    # The sweep for such messages runs every CELERY_RESTORE_INTERVAL seconds (kombu's default
    # is about 100 s between actual scans).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 900),
        "unacked_restore_interval": env_int("CELERY_RESTORE_INTERVAL", 30),
        "unacked_restore_throttle": 1,
    }
else:
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT = "portal.broker:AtomicFilesystemTransport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES_NAMES = ["default", "sync", "engine"]
CELERY_TASK_ROUTES = {
    "sync.*": {"queue": "sync"},
    "engine.*": {"queue": "engine"},
}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "portal.heartbeat", "schedule": 30.0},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"}},
}

# The bundled speech service (localspeech).
LOCALSPEECH_DATA_DIR = Path(env_str("LOCALSPEECH_DATA_DIR", str(VAR_DIR / "localspeech")))
LOCALSPEECH_REQUESTS_PER_WINDOW = env_int("LOCALSPEECH_REQUESTS_PER_WINDOW", 100)
LOCALSPEECH_WINDOW_SECONDS = env_int("LOCALSPEECH_WINDOW_SECONDS", 10)
# Moves the service's clock (expiry checks, new timestamps) by whole days, for lifecycle tests.
LOCALSPEECH_CLOCK_OFFSET_DAYS = env_int("LOCALSPEECH_CLOCK_OFFSET_DAYS", 0)
# contentUrl and web hook targets on private networks (127.0.0.1, 10.x, ...) are refused unless on.
LOCALSPEECH_ALLOW_PRIVATE_URLS = env_bool("LOCALSPEECH_ALLOW_PRIVATE_URLS", False)
LOCALSPEECH_BLOCK_MAX_BYTES = 8 * 1024 * 1024
LOCALSPEECH_CONTENT_MAX_BYTES = env_int("LOCALSPEECH_CONTENT_MAX_BYTES", 2 * 1024**3)
LOCALSPEECH_COPY_AUTHORIZATION_HOURS = 24
# Worker processes a test (evaluation) recognizes with; 0 means one per core.
LOCALSPEECH_EVALUATION_PROCESSES = env_int("LOCALSPEECH_EVALUATION_PROCESSES", 0)

# Sync and polling of Speech resources.
PORTAL_SYNC_SECONDS = env_int("PORTAL_SYNC_SECONDS", 300)
PORTAL_FULL_SYNC_SECONDS = env_int("PORTAL_FULL_SYNC_SECONDS", 3600)
PORTAL_POLL_SECONDS = env_int("PORTAL_POLL_SECONDS", 10)
PORTAL_POLL_LEASE_SECONDS = 120
# More entities in flight on one resource than this are polled with one incremental listing.
PORTAL_POLL_LIST_THRESHOLD = env_int("PORTAL_POLL_LIST_THRESHOLD", 10)
# Datasets go to a resource in blocks of this size (the API takes up to 8 MiB per block).
PORTAL_UPLOAD_BLOCK_BYTES = env_int("PORTAL_UPLOAD_BLOCK_BYTES", 8 * 1024 * 1024)
PORTAL_UPLOAD_STALL_SECONDS = env_int("PORTAL_UPLOAD_STALL_SECONDS", 120)
CELERY_BEAT_SCHEDULE.update(
    {
        "sync-resources": {"task": "sync.resources_sync_due", "schedule": 60.0},
        "poll-in-flight": {
            "task": "sync.poll_due",
            "schedule": float(env_int("PORTAL_POLL_BEAT_SECONDS", 5)),
        },
        "sweep-uploads": {"task": "projects.uploads_sweep", "schedule": 30.0},
        "expiry-alerts": {
            "task": "lifecycle.alerts_scan",
            "schedule": float(env_int("PORTAL_ALERT_SCAN_SECONDS", 3600)),
        },
    }
)
# Browser uploads go to a temporary file beyond this size, never into memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
