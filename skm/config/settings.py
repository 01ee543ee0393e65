"""Settings, all from the environment with safe defaults.

SKM_ENV=development (default) runs with DEBUG on and a throwaway secret key;
SKM_ENV=production turns DEBUG off and refuses to start without SKM_SECRET_KEY and
SKM_ALLOWED_HOSTS, so that a misconfigured server never runs with a known key.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = PACKAGE_DIR.parent

SKM_ENV = os.environ.get("SKM_ENV", "development").strip().lower()
if SKM_ENV not in ("development", "production"):
    raise ImproperlyConfigured("SKM_ENV must be 'development' or 'production'")
PRODUCTION = SKM_ENV == "production"
DEBUG = not PRODUCTION

SECRET_KEY = os.environ.get("SKM_SECRET_KEY", "")
_hosts = [h.strip() for h in os.environ.get("SKM_ALLOWED_HOSTS", "").split(",") if h.strip()]
if PRODUCTION:
    if len(SECRET_KEY) < 32:
        raise ImproperlyConfigured("SKM_ENV=production needs SKM_SECRET_KEY (at least 32 chars)")
    if not _hosts:
        raise ImproperlyConfigured("SKM_ENV=production needs SKM_ALLOWED_HOSTS")
elif not SECRET_KEY:
    SECRET_KEY = "development-only-not-secret-" + "x" * 24
ALLOWED_HOSTS = _hosts or ["127.0.0.1", "localhost", "[::1]", "testserver"]

DATA_DIR = Path(os.environ.get("SKM_DATA_DIR", PROJECT_DIR / "data")).resolve()
MEDIA_ROOT = DATA_DIR / "files"
MEDIA_URL = "/files/"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    # django-otp's device apps, with Indonesian names in the back office (app_names.py)
    "skm.config.app_names.TOTPConfig",
    "skm.config.app_names.StaticConfig",
    # Background jobs (imports, report documents): django-tasks and its database backend.
    "django_tasks",
    "skm.config.app_names.TasksConfig",  # django_tasks_db, named in Indonesian
    "skm.org",
    "skm.surveys",
    "skm.plans",
    "skm.reports",
    "skm.audit",
    "skm.transfer",
    "skm.public",
    "skm.dashboard",
    "skm.api",
    # django-ninja's own Swagger UI files (served from here, not from a CDN).
    "ninja",
]

MIDDLEWARE = [
    # Answers the three token-authenticated kiosk API paths without the session, CSRF and
    # message machinery they do not use (host check and security headers still apply).
    "skm.public.kiosk.KioskApiMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # A view that fails because the database is away answers 503 + Retry-After, not 500
    # (the kiosk path above and handler500 do the same: skm/config/middleware.py).
    "skm.config.middleware.DatabaseUnavailableMiddleware",
    "skm.config.security.SecurityHeadersMiddleware",
    # Django's, renewing a session at most every 5 minutes instead of writing it on every
    # request, and 503 + Retry-After when the database is locked (skm/config/middleware.py).
    "skm.config.middleware.SessionMiddleware",
    "skm.config.middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "skm.audit.signals.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "skm.config.urls"
WSGI_APPLICATION = "skm.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        if config["ENGINE"] == "django.db.backends.sqlite3":
            config.setdefault("OPTIONS", {}).update(_SQLITE_OPTIONS)
        return config
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "skm.sqlite3",
        "OPTIONS": dict(_SQLITE_OPTIONS),
    }


# WAL lets the web server read while an import writes; IMMEDIATE transactions take the
# write lock up front so that concurrent writers wait (busy timeout) instead of failing
# half-way with "database is locked".
_SQLITE_OPTIONS = {
    "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"),
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}

DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Jakarta"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"

# Rate limits and other short-lived counters. Redis when SKM_CACHE_URL is set (needed with
# several worker processes, so that they share one count); per-process memory otherwise.
_cache_url = os.environ.get("SKM_CACHE_URL", "").strip()
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}
        if _cache_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "skm"}
    )
}

# Absolute base of public links printed on posters and QR codes, e.g.
# https://skm.pekalongankota.go.id ; defaults to the address the request came in on.
PUBLIC_BASE_URL = os.environ.get("SKM_PUBLIC_BASE_URL", "").strip().rstrip("/")
# The DOCX's table of contents takes its page numbers from LibreOffice laying the DOCX out
# (soffice and pdftotext on the PATH, about 2 s a document); 0: from WeasyPrint's layout of
# the same content (skm.reports.toc).
DOCX_TOC_LIBREOFFICE = os.environ.get("SKM_DOCX_TOC_LIBREOFFICE", "1") != "0"
# A process that makes DOCX files keeps one LibreOffice running for that (skm.reports.office),
# driven by a Python that has LibreOffice's uno module (Debian: python3-uno and
# libreoffice-script-provider-python), and stops it after this many seconds without work.
OFFICE_PYTHON = os.environ.get("SKM_OFFICE_PYTHON", "/usr/bin/python3")
OFFICE_IDLE_SECONDS = float(os.environ.get("SKM_OFFICE_IDLE_SECONDS", "600"))

# Behind N reverse proxies that each append the peer to X-Forwarded-For, the client is the
# N-th address from the right (the rate limit keys on a keyed hash of it).
SKM_TRUSTED_PROXY_COUNT = int(os.environ.get("SKM_TRUSTED_PROXY_COUNT", "0"))
CSRF_FAILURE_VIEW = "skm.public.views.csrf_failure"

LOGIN_URL = "dashboard:login"
LOGIN_REDIRECT_URL = "dashboard:home"
# Two-factor login (skm/dashboard/twofactor.py): the name authenticator apps show.
OTP_TOTP_ISSUER = os.environ.get("SKM_OTP_ISSUER", "SKM")
LOGOUT_REDIRECT_URL = "dashboard:login"

# Uploads are read into memory only up to this size; larger ones go to a temporary file.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_BYTES = int(os.environ.get("SKM_IMPORT_MAX_BYTES", 50 * 1024 * 1024))
# Individual responses are deleted this many years after their period ends (`skm
# retention`); the counts stay (docs/privacy.md).
RETENTION_YEARS = int(os.environ.get("SKM_RETENTION_YEARS", "5"))
# Mail (password reset, invitations): printed to the console unless SKM_EMAIL_HOST is set.
if os.environ.get("SKM_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["SKM_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("SKM_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("SKM_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("SKM_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = True
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("SKM_EMAIL_FROM", "skm@localhost")
# Evidence files of plan items (photos, PDFs): larger uploads are refused.
EVIDENCE_MAX_BYTES = int(os.environ.get("SKM_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))
# Background jobs (web imports, report documents) are django-tasks tasks stored in the
# database (django-tasks-db). Who runs them (SKM_TASKS, docs/operations.md):
# "worker" (production default): the `skm importworker` service (db_worker + recovery);
# "web" (development default): a thread of the web process, after the commit (`make run`);
# "immediate": at once, after the commit, in the caller (the tests).
TASK_RUNNER = os.environ.get(
    "SKM_TASKS", "immediate" if "pytest" in sys.modules else "worker" if PRODUCTION else "web"
)
if TASK_RUNNER not in ("worker", "web", "immediate"):
    raise ImproperlyConfigured("SKM_TASKS must be 'worker', 'web' or 'immediate'")
TASKS = {
    "default": {
        "BACKEND": {
            "worker": "django_tasks_db.DatabaseBackend",
            "web": "skm.config.tasks.InProcessDatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[TASK_RUNNER],
    }
}
# Web imports on SQLite: a file with more rows than this is refused at the check. The load
# holds SQLite's only write lock until it commits (20,000 rows: about 9 s measured, under
# the 20 s busy timeout of the other writers); PostgreSQL has no such limit.
IMPORT_SQLITE_MAX_ROWS = int(os.environ.get("SKM_IMPORT_SQLITE_MAX_ROWS", "20000"))

SESSION_COOKIE_HTTPONLY = True
# Staff sessions end after this much inactivity: a request renews the session when its
# last renewal is 5 minutes old or more (skm.config.middleware.SessionMiddleware), so that
# reading pages does not write (SQLite's write lock), and the idle time is 25 to 30 minutes.
SESSION_COOKIE_AGE = int(os.environ.get("SKM_SESSION_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = False
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # HTTPS only; the load balancer's health check may use plain HTTP.
    SECURE_SSL_REDIRECT = os.environ.get("SKM_SSL_REDIRECT", "1") != "0"
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = 31536000
    # Set SKM_HSTS_SUBDOMAINS=0 when other sites of the domain are not HTTPS yet (the
    # deploy check then warns, on purpose).
    SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("SKM_HSTS_SUBDOMAINS", "1") != "0"
    SECURE_HSTS_PRELOAD = SECURE_HSTS_INCLUDE_SUBDOMAINS
    # Static files from the app server itself (WhiteNoise, after the security middleware),
    # with content hashes in their names (long caching); needs `skm collectstatic`.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING" if PRODUCTION else "INFO"},
    # WeasyPrint logs its progress on every PDF at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
