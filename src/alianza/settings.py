"""Alianza settings: everything comes from the environment, with defaults that let a
fresh checkout run on SQLite (see README "Configuration")."""

from pathlib import Path

import django.conf.locale
import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(environ.Env().str("ALIANZA_VAR_DIR", default=str(PROJECT_DIR / "var")))

env = environ.Env()
# Secrets may also come from files: FOO_FILE=/run/secrets/foo overrides FOO.
env.smart_cast = True


def secret(name: str, default: str = "") -> str:
    path = env.str(f"{name}_FILE", default="")
    if path:
        return Path(path).read_text().strip()
    return env.str(name, default=default)


DEBUG = env.bool("DEBUG", default=False)
# The default is only for a local checkout; `manage.py check --deploy` flags it.
SECRET_KEY = secret("SECRET_KEY", default="django-insecure-alianza-local-development-only")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Before allauth, so our templates (layout, e-mails) override allauth's.
    "alianza.core",
    "alianza.network",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "alianza.people",
    "alianza.board",
    "alianza.campaigns",
    "alianza.actions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "alianza.core.security.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "alianza.core.sessions.UserSessionMiddleware",
    "alianza.core.security.RequireTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "alianza.core.tenancy.OrganizationScopeMiddleware",
]

ROOT_URLCONF = "alianza.urls"
WSGI_APPLICATION = "alianza.wsgi.application"
ASGI_APPLICATION = "alianza.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "alianza.core.context_processors.alianza",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": env.db_url_config(secret("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'alianza.sqlite3'}"))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets the worker and the web process write without "database is locked".
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Each web or worker process keeps its connection between requests (opening one costs a
    # new PostgreSQL backend: more CPU than a whole RSVP; docs/performance.md), checked before
    # reuse. ``?conn_max_age=0`` in DATABASE_URL opens one per request again (e.g. behind PgBouncer).
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits live here: use Redis when running several processes) ----------
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://alianza")}

# --- Background tasks -----------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
TASKS_BACKEND = env.str("TASKS_BACKEND", default="db")
_TASK_BACKENDS = {
    "db": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise environ.ImproperlyConfigured(
        f"TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}, not {TASKS_BACKEND!r}"
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND], "QUEUES": ["default"]}}
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}

# --- Authentication: allauth, e-mail login, two-factor required for staff ---------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:dashboard"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_ADAPTER = "alianza.core.accounts.AccountAdapter"
# Failed sign-ins: at most 10 a minute from one address, and 5 per account per 5 minutes.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("LOGIN_FAILED_RATE_LIMIT", default="10/m/ip,5/300s/key"),
    "login": "30/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Alianza] "
ACCOUNT_SESSION_REMEMBER = False  # no "remember me": a session ends with the browser or after inactivity
# Two-factor secrets are stored encrypted with a key derived from the master key.
MFA_ADAPTER = "alianza.core.accounts.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Alianza")
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG  # passkeys on http://localhost in the demo only

# Sessions end after inactivity: every request pushes the expiry forward.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SAMESITE = "Lax"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- E-mail ----------------------------------------------------------------------------
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = secret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Alianza <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Text messages (SMS), through django-sms (see docs/operations.md#text-messages) ---------
# Empty: no text messages are sent, and what needs them (confirming a privacy request by phone)
# is not offered. The demo prints them to the terminal. In production use
# "alianza.core.sms.TwilioCompatibleBackend" (Twilio, or SignalWire's compatible API).
SMS_BACKEND = env.str("SMS_BACKEND", default="sms.backends.console.SmsBackend" if DEBUG else "")
DEFAULT_FROM_SMS = env.str("ALIANZA_SMS_FROM", default="")
ALIANZA_SMS_URL = env.str("ALIANZA_SMS_URL", default="")
ALIANZA_SMS_ACCOUNT = env.str("ALIANZA_SMS_ACCOUNT", default="")
ALIANZA_SMS_TOKEN = secret("ALIANZA_SMS_TOKEN")
ALIANZA_SMS_TIMEOUT = 20

# --- Encryption of sensitive fields (see docs/security.md) -----------------------------
ALIANZA_MASTER_KEY = secret("ALIANZA_MASTER_KEY")
# While changing the master key: the old key(s), still accepted for reading until `rotate_keys` ran.
ALIANZA_PREVIOUS_MASTER_KEYS = [k for k in secret("ALIANZA_PREVIOUS_MASTER_KEYS").split(",") if k.strip()]
# Each organization's own secret lives here, never in a table (so never in a backup).
ALIANZA_KEY_STORE = env.str("ALIANZA_KEY_STORE", default=str(VAR_DIR / "keys"))
# `alianza backup` / `restore` (docs/backups.md): its own key, never the master key; keep both
# away from the backups. The PostgreSQL client programs of the server's version, if not on PATH.
ALIANZA_BACKUP_KEY = secret("ALIANZA_BACKUP_KEY")
ALIANZA_PG_BIN_DIR = env.str("ALIANZA_PG_BIN_DIR", default="")

# --- Internationalisation ----------------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = env.str("TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
# Django's table of language names lacks these two.
django.conf.locale.LANG_INFO.setdefault(
    "ht", {"bidi": False, "code": "ht", "name": "Haitian Creole", "name_local": "Kreyòl ayisyen"}
)
django.conf.locale.LANG_INFO.setdefault("gu", {"bidi": False, "code": "gu", "name": "Gujarati", "name_local": "ગુજરાતી"})
ALL_LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("ht", _("Haitian Creole")),
    ("pt", _("Portuguese")),
    ("zh-hans", _("Simplified Chinese")),
    ("zh-hant", _("Traditional Chinese")),
    ("ko", _("Korean")),
    ("ar", _("Arabic")),
    ("gu", _("Gujarati")),
    ("vi", _("Vietnamese")),
    ("fr", _("French")),
]
_enabled = env.list("ALIANZA_LANGUAGES", default=[code for code, _name in ALL_LANGUAGES])
LANGUAGES = [(code, name) for code, name in ALL_LANGUAGES if code in _enabled or code == "en"]

# --- Static files: all served by the app itself, nothing from a CDN ----------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Production: `manage.py collectstatic` once per release, then hashed, compressed files.
STATIC_MANIFEST = env.bool("ALIANZA_STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = VAR_DIR / "media"

# --- Security headers -------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=63072000)  # sent over HTTPS only
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies in front of the app append to X-Forwarded-For (for the client
# address in the audit trail); 0 trusts no header and uses the connection's address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# --- Logging ----------------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Invitation, password-reset and confirmation links are secrets: redacted from every log line.
    "filters": {"redact_secret_links": {"()": "alianza.core.log_filters.RedactSecretLinks"}},
    "formatters": {"redacted": {"()": "alianza.core.log_filters.RedactingFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_secret_links"], "formatter": "redacted"}
    },
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

# Absolute links in e-mails (invitations, password resets sent from tasks).
ALIANZA_BASE_URL = env.str("ALIANZA_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Invitations stay valid this long.
ALIANZA_INVITATION_DAYS = env.int("ALIANZA_INVITATION_DAYS", default=7)
# A session's "last seen" is written at most once per this many minutes (core/sessions.py).
ALIANZA_SESSION_SEEN_MINUTES = env.int("ALIANZA_SESSION_SEEN_MINUTES", default=5)
# Commitments to campaigns are reminded this many days before they are due (each point once).
ALIANZA_COMMITMENT_REMINDER_DAYS = [int(d) for d in env.list("ALIANZA_COMMITMENT_REMINDER_DAYS", default=["7", "1"])]
