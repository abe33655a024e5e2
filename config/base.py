"""The one settings module, driven by environment variables (see README "Configuration")."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Production unless said otherwise: `make run`, `make test` and `.ci/run` set
# TUOPIN_ENV=development (Makefile); pytest sets PYTEST_VERSION for its whole run. A
# server started any other way (gunicorn, systemd, the `tuopin` command by hand) is
# production and refuses to start without its own SECRET_KEY: a forgotten variable
# must not leave the session signatures forgeable with the key printed in this file.
TUOPIN_ENV = os.environ.get("TUOPIN_ENV", "production").strip().lower()
if TUOPIN_ENV not in {"production", "development"}:
    raise ImproperlyConfigured(
        f"TUOPIN_ENV 只能是 production 或 development，而不是 {TUOPIN_ENV!r} "
        f"(TUOPIN_ENV must be production or development, not {TUOPIN_ENV!r})"
    )
DEVELOPMENT = TUOPIN_ENV == "development" or "PYTEST_VERSION" in os.environ
DEBUG = env_bool("DEBUG", False)
if DEBUG and not DEVELOPMENT:
    raise ImproperlyConfigured(
        "生产环境不能开启 DEBUG（调试页面会泄露数据和配置）；开发时请设置 TUOPIN_ENV=development "
        "(DEBUG is refused in production: its pages show data and settings; "
        "set TUOPIN_ENV=development on a developer's machine)"
    )
DEVELOPMENT_SECRET_KEY = "tuopin-insecure-development-key-change-me"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not DEVELOPMENT and SECRET_KEY in ("", DEVELOPMENT_SECRET_KEY):
    raise ImproperlyConfigured(
        "生产环境必须设置 SECRET_KEY（至少 50 个随机字符，见 docs/deploy.md）；开发时请设置 "
        "TUOPIN_ENV=development (SECRET_KEY must be set in production, 50 or more random "
        "characters, see docs/deploy.md; on a developer's machine set TUOPIN_ENV=development)"
    )
SECRET_KEY = SECRET_KEY or DEVELOPMENT_SECRET_KEY
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "axes",
    "ninja",
    "tuopin.core",
    "tuopin.regions",
    "tuopin.accounts",
    "tuopin.audit",
    "tuopin.registry",
    "tuopin.policy",
    "tuopin.cases",
    "tuopin.people",
    "tuopin.assistance",
    "tuopin.projects",
    "tuopin.api",
    "tuopin.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tuopin.core.middleware.ContentSecurityPolicyMiddleware",
    "tuopin.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "tuopin.audit.middleware.DeniedAccessMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tuopin.web.context.navigation",
            ],
        },
    }
]

# Database: embedded SQLite by default, PostgreSQL (or any URL) through DATABASE_URL.
SQLITE_PATH = os.environ.get("TUOPIN_SQLITE_PATH", str(BASE_DIR / "var" / "tuopin.sqlite3"))
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}", conn_max_age=60
    )
}
# How long a connection waits for SQLite's one write lock before "database is locked".
# Jobs write in short transactions (compute first, then write); the longest hold left is
# the write phase of a large import, which must stay one transaction (all or nothing).
# A login or an edit waits that out instead of failing; the web server's own request
# timeout (gunicorn --timeout) must be longer than this.
SQLITE_BUSY_TIMEOUT = float(os.environ.get("SQLITE_BUSY_TIMEOUT", "60"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the worker write progress while the web server reads. The busy timeout
        # is set twice on purpose: `timeout` for the Python driver's connect, and the
        # PRAGMA so that it is visible (and tested) on the connection itself.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT * 1000)};"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": SQLITE_BUSY_TIMEOUT,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests run on a file, not Django's shared in-memory database: only a file has WAL
    # and a busy timeout (shared-cache memory databases fail "table is locked" at once),
    # so the tests see the locking the deployment sees. One file per test process, so
    # that two runs in one checkout do not delete each other's database.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get(
            "TUOPIN_SQLITE_TEST_PATH",
            str(Path(SQLITE_PATH).with_name(f"test-tuopin-{os.getpid()}.sqlite3")),
        )
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Login safety.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The same client address as the access log: a lockout behind nginx must hit the
# client, not the proxy (which would lock everyone out), nor a forged header.
AXES_CLIENT_IP_CALLABLE = "tuopin.core.clientip.client_ip"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# HTTPS (docs/deploy.md turns these on behind nginx). Off by default: an office that
# serves plain HTTP on its intranet would otherwise be redirected to nothing.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# "HTTP_X_FORWARDED_PROTO,https": trust the proxy's word that the request came over
# HTTPS. Only behind a proxy that sets the header itself (nginx sample in the doc).
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    header, _, value = os.environ["SECURE_PROXY_SSL_HEADER"].partition(",")
    SECURE_PROXY_SSL_HEADER = (header.strip(), value.strip() or "https")
# An intranet host name can never be on the browsers' public HSTS preload list.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Content-Security-Policy (tuopin.core.middleware): only this server's own files run;
# no inline script, style, event handler or javascript: URL (tests/test_csp.py checks
# every template). Bootstrap's icons are data: SVG images in its stylesheet.
CONTENT_SECURITY_POLICY = os.environ.get(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'",
)

# The client's address (access log, login lockout): REMOTE_ADDR, unless that is one of
# these proxies (addresses or networks, comma-separated); then the right-most address
# of X-Forwarded-For that is not one of them (tuopin.core.clientip).
TUOPIN_TRUSTED_PROXIES = env_list("TUOPIN_TRUSTED_PROXIES", "")

# Chinese first, English through the language switch.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "tuopin" / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# The analytic copy of the registry (a DuckDB file, docs/analytics.md); empty: under
# MEDIA_ROOT/analytic/.
ANALYTIC_COPY_PATH = os.environ.get("ANALYTIC_COPY_PATH", "")
# WhiteNoise warns on every start when the folder is missing before collectstatic.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Background jobs: a worker that has not reported for this long is presumed dead.
JOB_HEARTBEAT_TIMEOUT_SECONDS = int(os.environ.get("JOB_HEARTBEAT_TIMEOUT_SECONDS", "120"))
JOB_MAX_ATTEMPTS = int(os.environ.get("JOB_MAX_ATTEMPTS", "3"))

# Limits on every spreadsheet a user hands the platform (web upload, CLI, any import),
# enforced by tuopin/core/uploads.py: a file over one is refused before parsing where the
# file says enough (size, zip directory, declared counts), else while it streams; never
# parsed into memory first. A probe's 3 MB xlsx of 53 million shared strings took a
# worker to 8.2 GB. The defaults let the city's registry export through (764,166 rows x
# 62 columns: a 238 MiB xlsx of 2.2 GB sheet XML deflated about 9:1, a CSV of about
# 300 MB) with room to spare, and keep a worker under 1 GB on any input.
TUOPIN_UPLOAD_MAX_BYTES = int(os.environ.get("TUOPIN_UPLOAD_MAX_BYTES", str(512 << 20)))
# Inflated size of one zip member (a worksheet, streamed) and of all members together.
TUOPIN_UPLOAD_MAX_MEMBER_BYTES = int(os.environ.get("TUOPIN_UPLOAD_MAX_MEMBER_BYTES", str(4 << 30)))
TUOPIN_UPLOAD_MAX_TOTAL_BYTES = int(os.environ.get("TUOPIN_UPLOAD_MAX_TOTAL_BYTES", str(6 << 30)))
# Inflated : compressed, per member over 1 MiB; real sheets deflate 5-15:1, bombs 1000:1.
TUOPIN_UPLOAD_MAX_RATIO = int(os.environ.get("TUOPIN_UPLOAD_MAX_RATIO", "100"))
# Shared strings are held in memory (about 70 bytes each beside their text): an Excel-saved
# city file has about 3 million distinct names, ID numbers and household numbers.
TUOPIN_UPLOAD_MAX_SHARED_STRINGS = int(
    os.environ.get("TUOPIN_UPLOAD_MAX_SHARED_STRINGS", "4000000")
)
TUOPIN_UPLOAD_MAX_SHARED_STRINGS_BYTES = int(
    os.environ.get("TUOPIN_UPLOAD_MAX_SHARED_STRINGS_BYTES", str(256 << 20))
)
# Every other XML part the readers parse whole (workbook, styles, relationships, theme):
# real ones are kilobytes (Excel's 64,000 cell formats make about 6 MB of styles at most;
# openpyxl took 350 MB to read an 8 MB styles part).
TUOPIN_UPLOAD_MAX_PART_BYTES = int(os.environ.get("TUOPIN_UPLOAD_MAX_PART_BYTES", str(8 << 20)))
# Characters in one cell: Excel's own limit, so no real file is refused for it.
TUOPIN_UPLOAD_MAX_CELL_CHARS = int(os.environ.get("TUOPIN_UPLOAD_MAX_CELL_CHARS", "32767"))
# Rows of one file: 2.6 times the city export.
TUOPIN_UPLOAD_MAX_ROWS = int(os.environ.get("TUOPIN_UPLOAD_MAX_ROWS", "2000000"))
# Bytes one row may take in the file (a sheet row's XML, a CSV line); a real row is < 10 KB.
TUOPIN_UPLOAD_MAX_ROW_BYTES = int(os.environ.get("TUOPIN_UPLOAD_MAX_ROW_BYTES", str(16 << 20)))
# Cells of an .xls (xlrd holds a sheet whole, about 48 bytes a cell): a full 65,536-row
# sheet of 62 columns has 4.1 million.
TUOPIN_UPLOAD_MAX_XLS_CELLS = int(os.environ.get("TUOPIN_UPLOAD_MAX_XLS_CELLS", "8000000"))
# A case step's attachment (photo of the notice board, minutes; core/uploads.py).
TUOPIN_ATTACHMENT_MAX_BYTES = int(os.environ.get("TUOPIN_ATTACHMENT_MAX_BYTES", str(10 << 20)))
# An upload stops being received past TUOPIN_UPLOAD_MAX_BYTES (the form then says so);
# files over Django's FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) go to a temporary file, never
# memory, and DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) keeps bounding the other form fields.
FILE_UPLOAD_HANDLERS = [
    "tuopin.core.uploads.BoundedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Numbers typed into a form that turn out registered outside the user's region: each is
# logged, and a user learns the county of at most this many per hour (registry/lookups).
TUOPIN_ELSEWHERE_LOOKUPS_PER_HOUR = int(os.environ.get("TUOPIN_ELSEWHERE_LOOKUPS_PER_HOUR", "20"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A refused access (403/404) is one line, not a traceback (tuopin/core/logfilters.py).
    "filters": {"refusal_one_line": {"()": "tuopin.core.logfilters.RefusalOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["refusal_one_line"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"tuopin": {"level": os.environ.get("LOG_LEVEL", "INFO")}},
}
