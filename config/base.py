"""The one settings module, driven by environment variables (see README "Configuration")."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and os.environ.get("TUOPIN_REQUIRE_SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set in production")
    # Only for development and tests; a deployment sets SECRET_KEY (README).
    SECRET_KEY = "tuopin-insecure-development-key-change-me"
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
    "tuopin.api",
    "tuopin.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
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
    # so the tests see the locking the deployment sees.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get(
            "TUOPIN_SQLITE_TEST_PATH", str(Path(SQLITE_PATH).with_name("test-tuopin.sqlite3"))
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
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

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
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"tuopin": {"level": os.environ.get("LOG_LEVEL", "INFO")}},
}
