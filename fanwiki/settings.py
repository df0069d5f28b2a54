"""FanWiki settings: one module, read from the environment.

Debug is off unless DJANGO_DEBUG asks for it (`make run` does); with debug off
the settings are those of a public site behind HTTPS, and nothing starts
without DJANGO_SECRET_KEY. README.md ("Production") shows a full set of values.

Environment variables (default in brackets):
    DJANGO_DEBUG                    "1" for local development only [off]
    DJANGO_SECRET_KEY               required when debug is off [a development key when debug is on]
    DJANGO_ALLOWED_HOSTS            comma-separated host names [127.0.0.1,localhost,testserver]
    DJANGO_SITE_URL                 the public origin, e.g. https://wiki.example.org: canonical links and
                                    link previews name it whatever Host a request came with [the request's]
    DJANGO_CSRF_TRUSTED_ORIGINS     comma-separated origins, e.g. https://wiki.example.org [none]
    DATABASE_URL                    any URL dj-database-url reads [SQLite db.sqlite3 beside manage.py]
    DJANGO_CONN_MAX_AGE             seconds a database connection is kept; 0 closes it after each
                                    request, and a kept one is health-checked before reuse [60]
    REDIS_URL                       the cache every worker shares, e.g. redis://127.0.0.1:6379/0
                                    [a per-process memory cache]
    DJANGO_STATIC_ROOT              where collectstatic puts files [staticfiles/ beside manage.py]
    DJANGO_SECURE_SSL_REDIRECT      redirect plain HTTP to HTTPS; "0" for a loopback run [on unless debug]
    DJANGO_SECURE_COOKIES           Secure flag on the session and CSRF cookies [as SSL redirect]
    DJANGO_HSTS_SECONDS             Strict-Transport-Security max-age [31536000 (a year) unless debug]
    DJANGO_HSTS_INCLUDE_SUBDOMAINS  add includeSubDomains to HSTS [on]
    DJANGO_HSTS_PRELOAD             add preload to HSTS (for the browsers' preload list) [off]
    DJANGO_PROXY_COUNT              reverse proxies in front that set X-Forwarded-Proto and append to
                                    X-Forwarded-For; only then are those headers trusted [0]
    DJANGO_LOGIN_FAILURE_LIMIT      failed logins for one username from one IP before a lock-out [5]
    DJANGO_LOGIN_COOLOFF_MINUTES    how long a lock-out lasts [15]
    DJANGO_ADMINS                   who gets server errors by e-mail: "Name <a@example.org>, b@example.org"
                                    [nobody: errors go to stderr only]
    DJANGO_SERVER_EMAIL             sender of those e-mails [root@localhost]
    DJANGO_EMAIL_HOST, DJANGO_EMAIL_PORT, DJANGO_EMAIL_HOST_USER, DJANGO_EMAIL_HOST_PASSWORD,
    DJANGO_EMAIL_USE_TLS            the SMTP server for them [localhost, 25, none, none, off]
    FANWIKI_PAGECACHE               "0" turns the page cache off [on]
    FANWIKI_PAGECACHE_LOCAL_MB      each worker's own copies of hot pages, in MB [64]
    FANWIKI_RELEASE                 a release name; a new one starts the page cache afresh [none]
    FANWIKI_PURGE_URL               a Varnish (xkey) URL that gets PURGE requests after each write [none]
    FANWIKI_PURGE_HOOK              or a dotted path to a callable taking the keys to purge [none]
"""

import os
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default):
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_flag("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. With debug off FanWiki needs its own secret key: make one with "
            "`python -c 'from django.core.management.utils import get_random_secret_key as k; print(k())'` "
            "and pass it in the environment. For local development use `make run`, or set DJANGO_DEBUG=1."
        )
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# Where canonical URLs and link previews point (fanwiki/previews.py). Unset, they use the request's
# host, which ALLOWED_HOSTS has vetted; set, they never depend on a header a client or proxy sends.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "").strip().rstrip("/")
_site = urlsplit(SITE_URL)
if SITE_URL and (_site.scheme not in {"http", "https"} or not _site.netloc or _site.path or _site.query):
    raise ImproperlyConfigured(
        f"DJANGO_SITE_URL must be an origin such as https://wiki.example.org, not {SITE_URL!r}."
    )

INSTALLED_APPS = [
    # fanwiki first so its templates and admin overrides win.
    "fanwiki.apps.FanwikiConfig",
    "fanwiki.pagecache.apps.PageCacheConfig",
    "dramas.apps.DramasConfig",
    "people.apps.PeopleConfig",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "simple_history",
    "csp",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Above WhiteNoise, so static files carry them too.
    "fanwiki.headers.PermissionsAndResourcePolicyMiddleware",
    # It names a cacheable page's dependency keys (fanwiki/pagecache).
    "fanwiki.pagecache.middleware.SurrogateKeyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "fanwiki.headers.ContentSecurityPolicyMiddleware",
    # Below the header middlewares, so its 400 page carries their headers too.
    "fanwiki.request_limits.QueryStringLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # A 404 under a page's old slug becomes a 301 to its current address.
    "fanwiki.moves.MovedPageRedirectMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fanwiki.urls"

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

WSGI_APPLICATION = "fanwiki.wsgi.application"

# Kept a minute by default: opening one costs more than rendering a page (SQLite reads the schema).
CONN_MAX_AGE = env_int("DJANGO_CONN_MAX_AGE", 60)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=CONN_MAX_AGE,
        # A connection kept between requests is checked before reuse, so a restarted server costs no error.
        conn_health_checks=CONN_MAX_AGE > 0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers carry on while an editor writes; IMMEDIATE makes a
        # write transaction take the lock up front, so two saves queue instead of
        # failing half-way with "database is locked".
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # A Redis that is down is a miss, not an error (fanwiki/resilient_cache.py).
            "BACKEND": "fanwiki.resilient_cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "fanwiki",
        }
    }
else:
    # Each process gets its own: fine for one process, warned about otherwise (fanwiki/checks.py).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username and IP pair is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # With debug off: hashed names (so WhiteNoise can let browsers keep them for ever) and
        # gzip copies, made by collectstatic; a template naming a missing file fails to render.
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Pictures (posters, portraits) ------------------------------------------------------------
# One machine: files under MEDIA_ROOT, answered at /media/ by fanwiki/media.py in front of Django.
# Several machines: DJANGO_MEDIA_BUCKET keeps them in an S3-compatible bucket (django-storages) under
# the same names, served from the bucket or from DJANGO_MEDIA_HOST (a CDN or domain in front of it).
# boto3 reads the credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. README.md, "Pictures".
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_BUCKET = os.environ.get("DJANGO_MEDIA_BUCKET", "")
MEDIA_HOST = os.environ.get("DJANGO_MEDIA_HOST", "")
MEDIA_ENDPOINT_URL = os.environ.get("DJANGO_MEDIA_ENDPOINT_URL", "")
MEDIA_ORIGINS = []  # other origins pages load pictures from (CSP img-src)
if MEDIA_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_BUCKET,
            "endpoint_url": MEDIA_ENDPOINT_URL or None,
            "region_name": os.environ.get("DJANGO_MEDIA_REGION") or None,
            "custom_domain": MEDIA_HOST or None,
            "url_protocol": "https:",
            "querystring_auth": False,
            "default_acl": None,
            # Names are content-addressed: the same name always holds the same bytes.
            "file_overwrite": True,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
    if MEDIA_HOST:
        MEDIA_ORIGINS = [f"https://{MEDIA_HOST}"]
    elif MEDIA_ENDPOINT_URL:
        MEDIA_ORIGINS = ["/".join(MEDIA_ENDPOINT_URL.split("/")[:3])]
    else:
        MEDIA_ORIGINS = [f"https://{MEDIA_BUCKET}.s3.amazonaws.com"]

FIXTURE_DIRS = [BASE_DIR / "fixtures"]
# Backups' format: JSON that keeps times to the microsecond (fanwiki/exact_json.py, fanwiki/backups.py).
SERIALIZATION_MODULES = {"wikijson": "fanwiki.exact_json"}

# Bounded work per request (docs/reliability.md). Bigger bodies get the 400 page.
# The largest real form: a drama with 200 credit rows of 9 fields each, plus its own fields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2_000
# The longest text field (50,000 characters) posted as percent-encoded Hangul is 450 KB; the
# rest of a form is small beside it.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
# A page form takes one file: its poster or portrait (checked there: at most 10 MB, fanwiki/images.py).
DATA_UPLOAD_MAX_NUMBER_FILES = 1

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGIN_URL = "admin:login"

# Tag slugs keep Hangul ("눈물의 여왕" stays readable in /tags/<slug>/).
TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING = False
# A tag typed "queen of tears" joins the existing "Queen of Tears".
TAGGIT_CASE_INSENSITIVE = True
# ...and "Queen  of Tears " (extra spaces) or decomposed Hangul too (fanwiki/tagging.py).
TAGGIT_TAGS_FROM_STRING = "fanwiki.tagging.parse_tag_names"

# --- HTTPS and cookies -------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_flag("DJANGO_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_flag("DJANGO_SECURE_COOKIES", SECURE_SSL_REDIRECT)
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True

# Behind a TLS-terminating proxy: it alone says whether the reader's connection was HTTPS, and
# it appends the reader's address to X-Forwarded-For. Trusted only when told how many proxies there are.
PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 0)
if PROXY_COUNT > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Content-Security-Policy (django-csp), Permissions-Policy, Cross-Origin-Resource-Policy ------
# Readers' pages load nothing but our own stylesheet and images, and run no script at all.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "style-src": [SELF],
        "img-src": [SELF, *MEDIA_ORIGINS],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        # No script runs here, so this opens nothing; it lets audit tools that fetch from inside
        # the page (Lighthouse reads robots.txt that way) see our own robots.txt.
        "connect-src": [SELF],
    }
}
# The Django admin (fanwiki/headers.py sends this under /admin/): its own scripts, styles, icons
# and autocomplete requests; still no inline code, no eval, no framing.
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": [SELF],
    }
}
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen",
        "geolocation", "gyroscope", "magnetometer", "microphone", "midi", "payment", "picture-in-picture",
        "publickey-credentials-get", "screen-wake-lock", "sync-xhr", "usb", "xr-spatial-tracking",
    )
)  # fmt: skip
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"

# --- Login throttling (django-axes) -----------------------------------------------------------
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DJANGO_LOGIN_COOLOFF_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "fanwiki.login_throttle.locked_out"  # a 429 page
AXES_CLIENT_IP_CALLABLE = "fanwiki.login_throttle.client_ip"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"  # shared by every worker
# Its log lines (every failure, and "Locking out ...") name the username and address; never a password.
AXES_SENSITIVE_PARAMETERS = []

# --- Errors: logged to stderr with tracebacks, e-mailed to DJANGO_ADMINS when set -------------
ADMINS = [parseaddr(address) for address in env_list("DJANGO_ADMINS", [])]
SERVER_EMAIL = os.environ.get("DJANGO_SERVER_EMAIL", "root@localhost")
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("DJANGO_EMAIL_USE_TLS", False)

error_mail = ["mail_admins"] if ADMINS else []
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(process)d: %(message)s"}},
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "plain"},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    # Everything below reaches stderr through the root logger (gunicorn's access log is on stdout).
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        # Replaces Django's default, which prints only with debug on.
        "django": {"handlers": [], "level": "WARNING"},
        # Unhandled exceptions with their tracebacks; 404s stay in the access log.
        "django.request": {"handlers": error_mail, "level": "ERROR"},
        # Bad hosts, CSRF failures, suspicious operations.
        "django.security": {"handlers": error_mail, "level": "WARNING"},
        # Failed logins and lock-outs (also listed in the admin under Access attempts).
        "axes": {"level": "WARNING"},
        "fanwiki": {"level": "INFO"},
    },
}

# The page cache in front of Django (fanwiki/pagecache, wired in fanwiki/wsgi.py).
PAGECACHE_ENABLED = env_flag("FANWIKI_PAGECACHE", True)
# Redis when set (shared by every worker and host), else a table in the database.
PAGECACHE_REDIS_URL = os.environ.get("FANWIKI_PAGECACHE_REDIS_URL", REDIS_URL)
# Each worker's own copies of hot pages; every hit still checks the shared versions.
PAGECACHE_LOCAL_MB = env_int("FANWIKI_PAGECACHE_LOCAL_MB", 64)
PAGECACHE_RELEASE = os.environ.get("FANWIKI_RELEASE", "")
PAGECACHE_PURGE_URL = os.environ.get("FANWIKI_PURGE_URL", "")
PAGECACHE_PURGE_HOOK = os.environ.get("FANWIKI_PURGE_HOOK", "")
