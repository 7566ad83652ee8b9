"""OOcamp's only settings module. Everything that differs between machines comes from the
environment; the defaults are the safe production ones (DEBUG off, secure cookies)."""

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("OOCAMP_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _development_secret_key() -> str:
    """A key generated once per checkout and kept in var/, so sign-in survives a restart."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for a development key).")
    SECRET_KEY = _development_secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "django_otp",  # authenticator apps for organisers (sessions_app/second_factor.py)
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "template_partials.apps.SimpleAppConfig",
    "sessions_app",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "sessions_app.edge.CSPMiddleware",  # django-csp's, the policy built once per process
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # text answers in Brotli or gzip: above every middleware that reads or changes the body
    "oocamp.compression.CompressionMiddleware",
    # NUL and lone surrogates refused with a 400, bad cookies dropped, before anything reads them
    "sessions_app.middleware.ClientInputMiddleware",
    # the live checks, asked every few seconds by every open grid, answered here (no session)
    "sessions_app.edge.LiveCheckMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the code was given
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "sessions_app.second_factor.SecondFactorMiddleware",  # organiser pages and the admin
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "sessions_app.offline.OfflinePagesMiddleware",  # the pages a phone may keep offline
]

ROOT_URLCONF = "oocamp.urls"
# a refused form says what to do in the visitor's language, within the site (not Django's page)
CSRF_FAILURE_VIEW = "sessions_app.views.errors.csrf_failure"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "loaders": [
                (
                    "template_partials.loader.Loader",
                    [
                        (
                            "django.template.loaders.cached.Loader",
                            [
                                "django.template.loaders.filesystem.Loader",
                                "django.template.loaders.app_directories.Loader",
                            ],
                        )
                    ],
                )
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

WSGI_APPLICATION = "oocamp.wsgi.application"

# The embedded SQLite database needs no server; set DATABASE_URL for PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a writer instead of failing at once; several requests write at the same time.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"].endswith("postgresql") and env_bool("DB_POOL", True):
    # A psycopg pool per process (about 6x the throughput of a new connection per request; see
    # the README's "Production"). Every process holds up to DB_POOL_MAX connections, so
    # (web processes x DB_POOL_MAX) + (job workers x DB_POOL_MAX) + a few for migrate and psql
    # must stay under PostgreSQL's max_connections (100 by default). With CONN_HEALTH_CHECKS
    # (on) the pool checks a connection before handing it out. DB_POOL=0 turns the pool off
    # (e.g. behind PgBouncer); CONN_MAX_AGE applies then.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(os.environ.get("DB_POOL_MIN", "1")),
        "max_size": int(os.environ.get("DB_POOL_MAX", "4")),
        "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "10")),  # seconds to wait, then 500
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps them; Django must not as well

# SQLite cannot defer the one-session-per-cell constraint; migration 0002 adds an immediate
# unique index there instead, so the rule holds on both databases.
SILENCED_SYSTEM_CHECKS = ["models.W038"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's ModelBackend with the signed-in user's read compiled once (a vote tap's largest part,
# issue 20); Django's own stays second for the sessions signed in through it before, until they
# expire (SESSION_COOKIE_AGE, two weeks). A wrong password is refused by the first alone.
AUTHENTICATION_BACKENDS = [
    "sessions_app.auth.ModelBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "public:home"
LOGOUT_REDIRECT_URL = "public:home"

# Two-step sign-in for organisers and the admin (sessions_app/second_factor.py): "required" makes
# every organiser set up an authenticator app and give its code at each sign-in; "optional"
# (development and the demo) lets them choose. Production's default is "required".
OOCAMP_ORGANISER_TOTP = os.environ.get("OOCAMP_ORGANISER_TOTP", "optional" if DEBUG else "required")
if OOCAMP_ORGANISER_TOTP not in {"required", "optional"}:
    raise ImproperlyConfigured('OOCAMP_ORGANISER_TOTP must be "required" or "optional".')
OTP_TOTP_ISSUER = "OOcamp"  # the name authenticator apps show next to the code
OTP_TOTP_SYNC = False  # accept exactly one time step (30 s) either side of the server's clock
OTP_TOTP_THROTTLE_FACTOR = 0  # wrong codes are limited by second_factor.CODE_LIMIT instead
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows an authenticator's secret

# Languages: Dutch is the default (the demo event is Flemish); every string is translatable.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Numbers for people are localized ("10,5" in Dutch); a thousands separator would also turn
# every id and count a script reads into "1.234". Values for scripts and machines are written
# with |unlocalize or ISO formats (tests/views/test_machine_values.py).
USE_THOUSAND_SEPARATOR = False
TIME_ZONE = "Europe/Brussels"
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    # Media on S3-compatible storage (AWS, MinIO, Garage, ...) shared by every app process and
    # worker; without it MEDIA_ROOT must be a volume they all mount. Keys come from the
    # environment as boto3 reads them (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "location": os.environ.get("AWS_LOCATION", ""),
            "default_acl": None,  # the bucket's policy decides: private by default
            "querystring_auth": True,  # links to files are signed and expire
            "querystring_expire": int(os.environ.get("AWS_QUERYSTRING_EXPIRE", "3600")),
            "file_overwrite": False,
        },
    }

# The cache: Redis, shared by every process, when REDIS_URL is set. Without it each process
# keeps its own in memory, which stays correct (everything OOcamp caches is keyed by a version
# read from the database or lives 2 seconds) but is not shared; run Redis with more than one.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "oocamp"),
            # A dead Redis makes a request fail in 2 s rather than hang it.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions live in the database, never in one process's memory (or in a cache that may lose
# them): a user's next request may land on any process. With Redis, shared by every process,
# reads go through it first (a signed-out session is deleted from both), which saves a query
# on every request; a session Redis lost is read from the database again.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)

# Where OOcamp is reached from outside: the start of the links it mails.
# Background work (long scheduler runs, report builds, thumbnails) is stored in the database and
# run by `manage.py db_worker` (django-tasks' backport of Django 6's task framework): a job
# survives a restart of the web or the worker process, and any number of either can run.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("OOCAMP_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

OOCAMP_BASE_URL = os.environ.get("OOCAMP_BASE_URL", "http://127.0.0.1:8000")

# The background jobs people wait for (sessions_app/jobs/): how often a running one writes its
# progress (its heartbeat), how long it may stay silent before its worker counts as killed and
# the page that looks at it queues it again, and after how many attempts it gives up.
OOCAMP_GRID_PROPOSAL_HEARTBEAT_SECONDS = 0.5
OOCAMP_GRID_PROPOSAL_SILENT_SECONDS = 30
OOCAMP_GRID_PROPOSAL_MAX_ATTEMPTS = 3  # a search that kills its worker this often is the cause
# Searches of at most this many iterations (restarts included) run in the organiser's request,
# about a second; longer ones go to the worker.
OOCAMP_INLINE_PLAN_ITERATIONS = 400_000
OOCAMP_REPORT_BUILD_HEARTBEAT_SECONDS = 1.0
OOCAMP_REPORT_BUILD_SILENT_SECONDS = 120  # a page of 300 sessions is laid out well within this
# None: a build never gives up; a failed one rests ever longer (RETRY below) before a visitor's
# download starts it again, and an organiser can always start it at once.
OOCAMP_REPORT_BUILD_MAX_ATTEMPTS = None
OOCAMP_REPORT_BUILD_RETRY_SECONDS = 60  # a failed build rests this long, doubling per attempt
OOCAMP_REPORT_BUILD_WAITING_SECONDS = 30  # queued this long: organisers are told to check it
# Seconds of sleep per progress step, so that the restart test can kill a worker mid-build.
OOCAMP_REPORT_BUILD_TEST_PAUSE = float(os.environ.get("OOCAMP_REPORT_BUILD_TEST_PAUSE") or 0)

# What open pages poll (sessions_app/live.py): how long the grid's and the pitch round's state
# is reused from the cache, and how often an open grid asks whether it changed.
OOCAMP_GRID_STATE_SECONDS = 2
OOCAMP_PITCH_STATE_SECONDS = 0.5
OOCAMP_LIVE_POLL_SECONDS = 5

# Files brought in with an event file or uploaded as slides.
OOCAMP_MAX_ATTACHMENT_BYTES = int(os.environ.get("OOCAMP_MAX_ATTACHMENT_BYTES", 50 * 1024 * 1024))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "OOcamp <oocamp@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Production hardening; each can be relaxed from the environment (e.g. behind a TLS proxy).
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("SECURE_PROXY_SSL_HEADER") else None
)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers ask over plain HTTP
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# With Secure cookies the session cookie gets the __Host- prefix (ASVS 3.4.4): browsers then
# only accept it over HTTPS, for the whole site (Path=/) and never from a subdomain.
SESSION_COOKIE_NAME = "__Host-sessionid" if SESSION_COOKIE_SECURE else "sessionid"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp 4): scripts and styles only from our own static
# files, so a payload that slips past escaping and the Markdown sanitiser still cannot run.
# No 'unsafe-inline'/'unsafe-eval': templates carry no inline <script>, style="" or on*=,
# and htmx's own indicator <style> is switched off (htmx-config meta in base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Logs go to stdout, one JSON object per line in production (LOG_FORMAT=json, the default
# without DEBUG), so the process manager or the container platform collects them.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "oocamp.jsonlog.JsonFormatter"},
        "text": {"format": "%(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": os.environ.get("LOG_FORMAT", "text" if DEBUG else "json"),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"weasyprint": {"level": "WARNING"}},  # one INFO line per PDF step otherwise
}

# Behind a proxy every request comes from the proxy's address. With OOCAMP_TRUSTED_PROXIES=n
# the client is the n-th address from the right of X-Forwarded-For (what the n proxies in
# front of OOcamp saw); rate limits per address need it. Set it only to the number of proxies
# that really append to that header (nginx: $proxy_add_x_forwarded_for), or clients could pick
# their own address.
OOCAMP_TRUSTED_PROXIES = int(os.environ.get("OOCAMP_TRUSTED_PROXIES", "0"))

# Scale-out test and debugging: name the process in an X-Served-By response header.
OOCAMP_SERVED_BY = os.environ.get("OOCAMP_SERVED_BY", "")
if OOCAMP_SERVED_BY:
    MIDDLEWARE.insert(0, "oocamp.middleware.ServedByMiddleware")
