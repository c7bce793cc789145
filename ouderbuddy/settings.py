"""Ouderbuddy settings: one file, driven by the environment (see README.md, 'Deploy')."""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from ouderbuddy.lib.env import env_bool, env_int, env_list, env_str, load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
# Model, form and admin classes subscript at run time as they do for the type checker
# (`admin.ModelAdmin[Organisation]`).
django_stubs_ext.monkeypatch()

load_dotenv(Path(os.environ.get("DOTENV_PATH", BASE_DIR / ".env")))

# pytest is imported only by the test run; never in a server process.
TESTING = "pytest" in sys.modules

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
# Comma-separated Fernet keys; the first encrypts, all decrypt (key rotation).
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "template_partials",
    "ouderbuddy.accounts",
    "ouderbuddy.organisations",
    "ouderbuddy.regions",
    "ouderbuddy.taxonomy",
    "ouderbuddy.privacy",
    "ouderbuddy.notifications",
    "ouderbuddy.buddies",
    "ouderbuddy.training",
    "ouderbuddy.knowledge",
    "ouderbuddy.intake",
    "ouderbuddy.matching",
    "ouderbuddy.casework",
    "ouderbuddy.support",
    "ouderbuddy.evaluation",
    "ouderbuddy.reports",
    "ouderbuddy.dashboard",
    "ouderbuddy.rights",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session: a cookie with a control character is dropped unread.
    "ouderbuddy.lib.control_characters.ControlCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Renews the session's expiry at most once a minute (not a write per request).
    "ouderbuddy.lib.sessions.SessionTouchMiddleware",
    "ouderbuddy.lib.i18n.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # django-otp's OTPMiddleware; the session's device is read without an ORM compile.
    "ouderbuddy.accounts.principal.PrincipalOTPMiddleware",
    "ouderbuddy.accounts.middleware.MembershipMiddleware",
    "ouderbuddy.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Axes must be last: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ouderbuddy.urls"
WSGI_APPLICATION = "ouderbuddy.wsgi.application"

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
                "ouderbuddy.accounts.context_processors.membership",
                "ouderbuddy.dashboard.navigation.navigation",
            ],
            # Shared template filters (ouderbuddy.lib has no app of its own).
            "libraries": {"ob_dates": "ouderbuddy.lib.templatetags.ob_dates"},
        },
    },
]
FORM_RENDERER = "ouderbuddy.lib.forms.FormRenderer"

# --- Database -------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one writer writes; IMMEDIATE takes the
        # write lock at the start of a transaction, so no "database is locked"
        # surprises half-way through a service.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
else:
    # PostgreSQL: parameters bound by the server (not interpolated into the SQL by
    # psycopg), so that a statement a connection runs often is prepared once and then
    # only executed: it is not parsed and planned on every request. That halved the
    # database's CPU per page (docs/PERFORMANCE.md, seventh round). How many
    # statements a connection keeps prepared: `ouderbuddy.lib.db`.
    # A negative threshold: never prepare (behind a pooler in transaction mode).
    prepare_threshold = env_int("DB_PREPARE_THRESHOLD", 5)
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": True,
        "prepare_threshold": prepare_threshold if prepare_threshold >= 0 else None,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        # Shared by every app process; nothing is kept in one process only.
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "ouderbuddy_cache",
        # Per-organisation results (lib/org_cache.py) for every organisation, and the
        # rate limits; Django's default of 300 would evict them all the time.
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
}

# --- Accounts and security -----------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend; the user of a session is read without an ORM compile.
    "ouderbuddy.accounts.principal.Backend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:start"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 7)

# Sessions end after 30 minutes without activity.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
# Not every request: SessionTouchMiddleware renews the expiry once a minute at most.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_ENGINE = "ouderbuddy.lib.sessions"
SESSION_TOUCH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "ouderbuddy.dashboard.views.csrf_failure"

AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "ouderbuddy.accounts.lockout.username_for"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "Ouderbuddy"
OTP_TOTP_THROTTLE_FACTOR = 1

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    if env_bool("BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# A strict policy: no inline script or style, nothing from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Language and time ---------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Development and tests serve files straight from the source folders.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Receipts of expense claims: private files, never under a URL of their own;
    # only `support.views_expenses.receipt` serves them, after its access check. A
    # national installation points this at object storage (any Django storage).
    "receipts": (
        {"BACKEND": "django.core.files.storage.InMemoryStorage"}
        if TESTING
        else {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {
                "location": env_str(
                    "RECEIPTS_ROOT", str(BASE_DIR / "var" / "receipts")
                ),
                "base_url": None,
                "file_permissions_mode": 0o600,
                "directory_permissions_mode": 0o700,
            },
        }
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# The largest receipt a buddy may upload (support.receipts).
RECEIPT_MAX_BYTES = env_int("RECEIPT_MAX_BYTES", 10 * 1024 * 1024)

# --- Background work and e-mail ------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend"
        )
    }
}
# Every message goes through a task; the task hands it to EMAIL_DELIVERY_BACKEND.
EMAIL_BACKEND = "ouderbuddy.notifications.backends.TaskEmailBackend"
if TESTING:
    EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
elif DEBUG:
    EMAIL_DELIVERY_BACKEND = "ouderbuddy.notifications.backends.ConsoleAndFileBackend"
else:
    EMAIL_DELIVERY_BACKEND = env_str(
        "EMAIL_DELIVERY_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
    )
EMAIL_FILE_PATH = BASE_DIR / "var" / "mail"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "Ouderbuddy <noreply@ouderbuddy.localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Axes logs every failed login with the address; the audit log keeps what matters.
        "axes": {"level": "WARNING"},
        # WeasyPrint logs every step of drawing a PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
