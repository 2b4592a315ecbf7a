"""Django settings, read from environment variables (see README.md and schemadesign/env.py)."""

import tempfile
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
    "designer",
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
    "designer.middleware.DraftConflictMiddleware",
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
STATIC_ROOT = BASE_DIR / "staticfiles"
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
