"""Django settings, read from environment variables (see README.md and schemadesign/env.py)."""

import tempfile
from datetime import timedelta
from pathlib import Path

from schemadesign.env import database_from_url, envbool, envint, envlist, envstr, secret_key

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", False)
SECRET_KEY = secret_key(envstr("SECRET_KEY"), DEBUG)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_extensions",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "designer",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise (which serves the static files compressed itself), above everything that
    # writes a body: pages and diagrams gzipped for browsers that accept it (a 250-table
    # diagram's 1.2 MB of SVG is 0.2 MB on the wire). Django pads each answer with random bytes
    # against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "designer.middleware.DraftConflictMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "schemadesign.urls"
WSGI_APPLICATION = "schemadesign.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(envstr("DATABASE_URL", "sqlite:///db.sqlite3"), base_dir=BASE_DIR)
}
DATABASES["default"]["CONN_MAX_AGE"] = envint("DB_CONN_MAX_AGE", 0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
    # PyMySQL stands in for mysqlclient, which needs a C compiler and client headers.
    import pymysql

    pymysql.install_as_MySQLdb()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rendered ER diagrams (designer/erd/cache.py), keyed by content hash: files, so every worker
# process shares them and they outlive a restart. ERD_CACHE_DIR moves them.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "erd": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": envstr("ERD_CACHE_DIR", str(Path(tempfile.gettempdir()) / "schemadesign-erd")),
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": envint("ERD_CACHE_ENTRIES", 2000)},
    },
    # Drafts' previews and reviews by content (designer.analysis), shared by the web
    # processes and the worker, which prepares them after an edit of a large draft.
    "analysis": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": envstr(
            "ANALYSIS_CACHE_DIR", str(Path(tempfile.gettempdir()) / "schemadesign-analysis")
        ),
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": envint("ANALYSIS_CACHE_ENTRIES", 500)},
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where collectstatic gathers the files WhiteNoise serves when DEBUG is off (scripts/run-production).
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Not the manifest variant: that one fails on any page until collectstatic has run.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Cookies go over HTTPS only, unless developing; SECURE_COOKIES=0 lifts that (plain-HTTP demo).
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# ---------------------------------------------------------------------------------------------
# Production security (docs/production.md). Each default is the safe one when DEBUG is off.
# ---------------------------------------------------------------------------------------------

# HTTPS only: plain HTTP is redirected, and browsers are told (HSTS) to use nothing else.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
# Behind a proxy that ends TLS, the request reaches us as HTTP: trust the header the proxy sets
# (e.g. SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto) to say it came in over HTTPS. Only set it
# when the proxy always sets or strips that header, else a client could forge it.
_proxy_ssl_header = envstr("SECURE_PROXY_SSL_HEADER").strip().upper().replace("-", "_")
SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header, "https") if _proxy_ssl_header else None

# Content-Security-Policy (django-csp): scripts and styles from our own origin only, so no inline
# script, inline event handler or style attribute runs. The one hash is the stylesheet that
# svg-pan-zoom (static/vendor) puts into each ER diagram for its zoom buttons.
SVG_PAN_ZOOM_CONTROLS_STYLE = "'sha256-NZLQvdTTZtrktFDkzPeufcUBlW9EwQVrDp/YV7nMphM='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", SVG_PAN_ZOOM_CONTROLS_STYLE],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT failed logins, the user name and the
# client address are each locked out for LOGIN_LOCKOUT_MINUTES, a correct password included.
# Failures are rows in the app database, so every web process on every machine counts them.
AUTHENTICATION_BACKENDS = [
    "designer.throttle.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_CLIENT_IP_CALLABLE = "designer.throttle.client_ip"
#: How many proxies in front of the app append to X-Forwarded-For; 0: the peer is the client.
PROXY_COUNT = envint("PROXY_COUNT", 0)
# ---------------------------------------------------------------------------------------------

# Review notifications (designer/notifications.py). Printed on the console unless EMAIL_HOST
# names an SMTP server; SITE_URL makes the links in them absolute (e.g. https://schemas.example.com).
EMAIL_HOST = envstr("EMAIL_HOST")
EMAIL_BACKEND = envstr(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "schema-designer@localhost")
SITE_URL = envstr("SITE_URL")

# Background work (deployments) through the Tasks API: the django-tasks backport with its
# database backend on Django 5.2, so Django 6's built-in tasks need only this setting changed.
# Workers: `manage.py deploy_worker` (make run starts one beside the development server).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "deployments"],
    }
}

# Registered connections (designer/connections). Their URLs are encrypted at rest with these
# Fernet keys, never with SECRET_KEY: CONNECTION_KEYS is a comma-separated list, the first key
# encrypts, all of them decrypt (rotation: docs/connections.md). Without it, DEBUG uses a key
# kept in CONNECTION_KEY_FILE (made on first use); a production start refuses to run.
CONNECTION_KEYS = envlist("CONNECTION_KEYS", "")
CONNECTION_KEY_FILE = Path(envstr("CONNECTION_KEY_FILE", str(BASE_DIR / ".connection-key")))
#: Hosts a connection URL may name (exact names, or suffixes starting with a dot); empty: any.
CONNECTION_ALLOWED_HOSTS = envlist("CONNECTION_ALLOWED_HOSTS", "")
#: The folder SQLite connections must be in (empty: none allowed, except under DEBUG).
CONNECTION_SQLITE_DIR = envstr("CONNECTION_SQLITE_DIR")
#: Seconds a connection test or a status read waits for the server before giving up.
CONNECTION_TIMEOUT = envint("CONNECTION_TIMEOUT", 5)
#: A running deployment whose worker has not reported for this long is marked interrupted.
DEPLOYMENT_STALE_SECONDS = envint("DEPLOYMENT_STALE_SECONDS", 120)

# Imports (designer/import_forms.py): the largest schema text taken, uploaded or pasted, in bytes.
# Pasted text travels as a form field, so DATA_UPLOAD_MAX_MEMORY_SIZE is raised to match.
IMPORT_MAX_BYTES = envint("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES + 1024 * 1024

# Index advice (designer/views/advice_indexes.py): the PostgreSQL server on which "Verify" makes
# a scratch database per verification (the URL's user needs CREATEDB; empty: Verify is not
# offered), and how many rows it generates per table (at most 20000, so it answers in seconds).
ADVICE_SCRATCH_URL = envstr("ADVICE_SCRATCH_URL")
ADVICE_VERIFY_ROWS = envint("ADVICE_VERIFY_ROWS", 10_000)
