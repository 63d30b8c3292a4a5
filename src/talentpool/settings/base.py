"""Settings shared by every environment. Everything that differs between machines comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# Mutable state (SQLite file, uploads) lives under TALENTPOOL_HOME, by default ./var of the working directory.
HOME_DIR = Path(os.environ.get("TALENTPOOL_HOME", Path.cwd() / "var")).resolve()
HOME_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves Swagger UI from its own static files instead of a CDN
    "axes",
    "django_tasks",
    "django_tasks_db",
    "talentpool.core",
    "talentpool.accounts",
    "talentpool.reference",
    "talentpool.registry",
    "talentpool.policies",
    "talentpool.eligibility",
    "talentpool.payments",
    "talentpool.recruitment",
    "talentpool.fairs",
    "talentpool.servicedesk",
    "talentpool.bookings",
    "talentpool.insights",
    "talentpool.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "talentpool.core.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "talentpool.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "talentpool.core.pagecache.PageCacheMiddleware",
]

# Whole responses of signed-in GET requests kept per process while the tables they read are unwritten
# (core/pagecache.py says what invalidates them); the store's size per process, 0 to turn it off.
TALENTPOOL_PAGE_CACHE_MB = float(os.environ.get("TALENTPOOL_PAGE_CACHE_MB", "32"))

# Content-Security-Policy of every response (core/security.py): scripts, styles, images, fonts and fetches from this
# site only; nothing inline (templates wire behaviour from data- attributes in static/js/app.js); no frames, plugins
# or foreign form targets. data: images are for Swagger UI's icons.
TALENTPOOL_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

ROOT_URLCONF = "talentpool.urls"
WSGI_APPLICATION = "talentpool.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "talentpool.web.navigation.navigation",
            ],
        },
    },
]

# Widgets, options and labels written in Python, the same HTML as Django's templates (core/form_renderer.py).
FORM_RENDERER = "talentpool.core.form_renderer.FastFormRenderer"

_default_sqlite = f"sqlite:///{HOME_DIR / 'talentpool.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_sqlite),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the progress poller read while an import writes; IMMEDIATE avoids lock upgrades deadlocking.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and os.environ.get("TALENTPOOL_DB_PREPARE", "1") != "0":
    # Parameters bound by the server, so that psycopg prepares a statement the fifth time a connection runs it:
    # PostgreSQL then reuses its parse and plan instead of planning it again on every request (at 400,000 talents
    # 1-5 ms of the database's CPU per page, docs/operations.md). Behind a pooler in transaction mode that cannot
    # keep prepared statements (PgBouncer before 1.21), set TALENTPOOL_DB_PREPARE=0.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 5})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's model backend, also counting the unread notices in the user's load (accounts/backends.py)
    "talentpool.accounts.backends.AccountBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login rate limit: after 5 failures for one username from one address the pair is locked for 15 minutes;
# an administrator can unlock it early from the user page.
AXES_FAILURE_LIMIT = int(os.environ.get("TALENTPOOL_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False
# Behind nginx set TALENTPOOL_BEHIND_PROXY=1 so lockouts and the audit trail see the real client address.
TALENTPOOL_BEHIND_PROXY = os.environ.get("TALENTPOOL_BEHIND_PROXY", "") == "1"
AXES_CLIENT_IP_CALLABLE = "talentpool.core.audit.client_ip"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = HOME_DIR / "staticfiles"
MEDIA_ROOT = HOME_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Background work (eligibility runs, imports, notice emails): by default in a thread of the web process after the
# request's transaction commits, so pages return at once and show progress. In production set
# TALENTPOOL_TASKS_BACKEND=django_tasks_db.DatabaseBackend and run `talentpool db_worker` (docs/operations.md).
# Tests run tasks inline.
TASKS = {"default": {"BACKEND": os.environ.get("TALENTPOOL_TASKS_BACKEND", "talentpool.core.tasks.ThreadBackend")}}

# Caches, each per process (docs/architecture.md, "What is kept and what invalidates it"). "verdicts" holds one
# person's explained verdicts under a key made of every input they were computed from, so an entry is never stale;
# its bound only limits memory (an entry is ~10 KB). Point it at a shared cache (Redis, memcached) to share hits
# between workers.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "verdicts": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "verdicts",
                 "TIMEOUT": 86400, "OPTIONS": {"MAX_ENTRIES": 5000}},
    # Sessions (below): files under the home, shared by every worker of this host.
    "sessions": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                 "LOCATION": str(HOME_DIR / "cache" / "sessions"), "OPTIONS": {"MAX_ENTRIES": 200_000}},
}
# Sessions are read from the "sessions" cache and written through to the database (cached_db): a signed-in request
# costs no session query. Signing out or changing the password deletes the entry in both, and the cache is one
# directory that every worker reads, so no worker keeps accepting an ended session. Entries expire with the
# session; a missing entry (culled above MAX_ENTRIES, or a new host) is read from the database again. Several web
# servers must point "sessions" at one shared cache (docs/operations.md).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_CACHE_ALIAS = "sessions"

# Payments: a batch above this total (yuan) needs a second officer's approval before it goes to the bank.
TALENTPOOL_TWO_PERSON_ABOVE = os.environ.get("TALENTPOOL_TWO_PERSON_ABOVE", "100000.00")
# Public address of the site, for links in notice emails.
TALENTPOOL_SITE_URL = os.environ.get("TALENTPOOL_SITE_URL", "http://127.0.0.1:8000")

# Personal data. ID numbers are encrypted with AES-GCM under TALENTPOOL_DATA_KEY and looked up by an HMAC under
# TALENTPOOL_LOOKUP_KEY. Both are 32 bytes, url-safe base64. prod.py refuses to start without them.
TALENTPOOL_DATA_KEY = os.environ.get("TALENTPOOL_DATA_KEY", "ZGV2LW9ubHktZGF0YS1rZXktMzItYnl0ZXMtbG9uZyE=")
TALENTPOOL_LOOKUP_KEY = os.environ.get("TALENTPOOL_LOOKUP_KEY", "ZGV2LW9ubHktbG9va3VwLWtleS0zMi1ieXRlcy1sb25n")

# Bulk import limits.
TALENTPOOL_IMPORT_MAX_BYTES = int(os.environ.get("TALENTPOOL_IMPORT_MAX_BYTES", str(60 * 1024 * 1024)))
TALENTPOOL_IMPORT_CHUNK_ROWS = int(os.environ.get("TALENTPOOL_IMPORT_CHUNK_ROWS", "2000"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "talentpool@localhost")
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("DJANGO_EMAIL_USE_TLS", "") == "1"
EMAIL_USE_SSL = os.environ.get("DJANGO_EMAIL_USE_SSL", "") == "1"
EMAIL_TIMEOUT = 30

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors_brief": {"()": "talentpool.core.logfilters.ClientErrorsBrief"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["client_errors_brief"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("TALENTPOOL_LOG_LEVEL", "WARNING")},
    # Django's own console handler (DEBUG) would print each of its lines a second time beside the root's: its
    # records go to the root handler only. A refused request (4xx) is logged in one line, without a traceback.
    "loggers": {"django": {"handlers": [], "level": "INFO", "propagate": True}},
}

TALENTPOOL_ROLE_LABELS = {
    "talent": _("Talent"),
    "enterprise": _("Enterprise HR"),
    "officer": _("Officer"),
    "admin": _("Administrator"),
}
