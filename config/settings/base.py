"""Settings shared by every environment; everything that varies comes from the environment."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-only-secret-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "guardian",
    "axes",
    "pgtrigger",
    "pghistory",
    "apps.accounts",
    "apps.school",
    "apps.stamps",
    "apps.staff",
    "apps.classes",
    "apps.students",
    "apps.messaging",
    "apps.schedule",
    "apps.gradebook",
    "apps.attendance",
    "apps.homework",
    "apps.orders",
    "apps.diary",
    "apps.reports",
    "apps.care",
    "apps.portfolio",
    "apps.exams",
    "apps.privacy",
    "apps.facilities",
    "apps.documents",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    "config.middleware.RequestLimitsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "apps.accounts.middleware.ForcePasswordChangeMiddleware",
    "apps.accounts.middleware.SharedComputerMiddleware",
    "axes.middleware.AxesMiddleware",
    "config.middleware.BadInputMiddleware",
]

# The history context (who, which URL) is set for writes; every service that writes history
# sets its own context with the acting user, so reads skip the extra statement pghistory
# would otherwise put before each of their queries.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "apps.school.context_processors.school_nav",
            ],
        },
    },
]

# One database, PostgreSQL, everywhere. Development and tests fall back to an embedded
# server under var/ when DATABASE_URL is unset; production refuses to start without it.
DATABASE_URL = env("DATABASE_URL", default="")


def default_database(*, embedded_fallback: bool) -> dict:
    if DATABASE_URL:
        config = env.db_url_config(DATABASE_URL)
    elif embedded_fallback:
        from config.embedded_pg import embedded_database_settings

        config = embedded_database_settings(BASE_DIR / "var" / "pgdata")
    else:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "DATABASE_URL is not set: production needs its PostgreSQL database, "
            "e.g. DATABASE_URL=postgres://journal:password@db.example.org:5432/journal "
            "(see .env.example)."
        )
    config["ATOMIC_REQUESTS"] = False
    config["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    return config


# Each of dev, test and prod sets DATABASES with default_database(); base alone sets none.
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "apps.accounts.passwords.NotLoginOrNameValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "school:choose"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lock a login *from one address*: a whole school sits behind one IP, so an address alone
# is never locked by a few failures, and a login alone would let anyone lock any teacher
# out from anywhere. A spray of a few passwords over many logins from one address is
# stopped by the per-address throttle (LOGIN_FAILURES_PER_ADDRESS, apps/accounts/lockouts.py).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# The counter of a login and address starts again after a success; the failures stay in
# axes' failure log (AccessFailureLog) for the administrator and the activity report.
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
# Failed logins from one address (any logins) within AXES_COOLOFF_TIME before it is refused.
LOGIN_FAILURES_PER_ADDRESS = env.int("LOGIN_FAILURES_PER_ADDRESS", default=40)

GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Русский")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Where collectstatic gathers the static files whitenoise serves, and where uploads
# (homework files, signed orders, exports) are kept; both outside the checkout if wished.
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "/media/"

# Special-category personal data (health, social passport; 152-ФЗ art. 10) is encrypted at
# rest with these Fernet keys, newest first: the first encrypts, every one decrypts, so a
# new key is prepended and `manage.py care_rotate_key` re-encrypts (README: key rotation).
# Without it (development only) a key is derived from SECRET_KEY; production requires it.
SPECIAL_DATA_KEYS = env.list("SPECIAL_DATA_KEYS", default=[])

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587; console output by default.
globals().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="journal@localhost")
# The public address of the site, for links in e-mail (unsubscribe, the diary).
SITE_URL = env("SITE_URL", default="http://localhost:8000")
# Login slips and letters print SITE_URL; where it must be reachable from a family's home
# (production), they are refused while it points at the server itself.
SITE_URL_MUST_BE_PUBLIC = env.bool("SITE_URL_MUST_BE_PUBLIC", default=False)

# Celery: a real Redis broker when REDIS_URL is set, otherwise tasks run in-process.
REDIS_URL = env("REDIS_URL", default="")
# The in-process transport needs no host; naming one keeps kombu from warning about it.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A page that hands work to the broker must not hang while Redis is down: fail fast, the
# work is kept in the database and sent again (apps/messaging, exports, login e-mails).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_TIMEZONE = "UTC"
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="journal")
# Beat wakes at least once a minute, so its heartbeat (config.celery.HeartbeatScheduler)
# stays fresh even between jobs.
CELERY_BEAT_MAX_LOOP_INTERVAL = 60
# Key prefix and visibility timeout of the Redis transport (tests isolate themselves with them).
CELERY_BROKER_TRANSPORT_OPTIONS = env.json("CELERY_BROKER_TRANSPORT_OPTIONS", default={})
# Every job is idempotent and decides for itself what is due in each school's own time zone,
# so the beat only has to tick often enough; a tick lost while Redis was down is caught up.
CELERY_BEAT_SCHEDULE: dict = {
    "deadline-reminders": {
        "task": "apps.reports.tasks.reminders_tick",
        "schedule": crontab(minute="*/5"),
    },
    "monthly-journal-audit": {
        "task": "apps.reports.tasks.audits_dispatch",
        "schedule": crontab(minute=7),
    },
    "monthly-activity-report": {
        "task": "apps.reports.tasks.activity_dispatch",
        "schedule": crontab(minute=17),
    },
    "pending-emails": {
        "task": "apps.messaging.tasks.send_pending_emails",
        "schedule": crontab(minute="*/10"),
    },
    "pending-exports": {
        "task": "apps.reports.tasks.exports_requeue",
        "schedule": crontab(minute="*/5"),
    },
    "old-exports": {
        "task": "apps.reports.tasks.exports_cleanup",
        "schedule": crontab(hour=3, minute=33),
    },
}
CELERY_BEAT_SCHEDULE["activity-flush"] = {
    "task": "apps.accounts.tasks.activity_flush",
    "schedule": 60,
}
# Diary reads are counted in Redis and written by that task (apps/accounts/activity.py);
# without Redis each read is written at once.
ACTIVITY_BUFFER = env.bool("ACTIVITY_BUFFER", default=bool(REDIS_URL))
ACTIVITY_BUFFER_KEY = env("ACTIVITY_BUFFER_KEY", default="journal:activity")
CELERY_BEAT_SCHEDULE["meals-orders"] = {
    "task": "apps.care.tasks.meals_tick",
    "schedule": crontab(minute="*/5"),
}
CELERY_BEAT_SCHEDULE["category-reminders"] = {
    "task": "apps.portfolio.tasks.category_reminders_tick",
    "schedule": crontab(minute=23),
}
CELERY_BEAT_SCHEDULE["gia-results-reminders"] = {
    "task": "apps.exams.tasks.results_reminders_tick",
    "schedule": crontab(minute=43),
}
CELERY_BEAT_SCHEDULE["diary-digest"] = {
    "task": "apps.diary.tasks.digest_dispatch",
    "schedule": 15 * 60,
}

# A session lasts a working day (12 hours) from the login; «чужой компьютер» at login makes
# it end with the browser and after SHARED_COMPUTER_IDLE_MINUTES without a request.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
SHARED_COMPUTER_IDLE_MINUTES = env.int("SHARED_COMPUTER_IDLE_MINUTES", default=15)
# Sessions live in the database: logging in and out must work while Redis is down, and a
# session ended (logout, password change) must never come back from a cache.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# With Redis, one cache shared by every web process (the rendered journal grids); it is
# guarded: Redis away means no cache, not an error (config/cache.py). Without Redis, a
# per-process cache.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.GuardedRedisCache",
            "LOCATION": env("CACHE_URL", default=REDIS_URL),
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="journal"),
            # A Redis that hangs costs at most this long once, then the cache pauses.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }

# What a request may carry. The web server in front refuses larger bodies too.
MAX_REQUEST_MB = env.int("MAX_REQUEST_MB", default=25)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # form fields without files: 2.5 MB
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger uploads go to a temporary file
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
# Uploaded files are sent by access-checking views only; in production the web server may
# send the bytes itself: "nginx" (X-Accel-Redirect to PROTECTED_MEDIA_URL) or "sendfile".
DOWNLOAD_OFFLOAD = env("DOWNLOAD_OFFLOAD", default="")
PROTECTED_MEDIA_URL = env("PROTECTED_MEDIA_URL", default="/protected-media/")

# Reads of personal data (a personal file, an export, an order's PDF, a document) are
# logged; a person who reads more people than this in an hour is reported to the
# director and the administrator (apps/privacy).
PERSONAL_DATA_READS_PER_HOUR = env.int("PERSONAL_DATA_READS_PER_HOUR", default=60)

# Security headers (config/middleware.py): the assets are vendored, so scripts, styles,
# fonts and images come from this site only.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "accelerometer=(), gyroscope=(), magnetometer=(), interest-cohort=()"
)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        # Calendar tokens never reach a log; a refusal (403) is one line with user and URL.
        "redact_secrets": {"()": "config.logging.RedactSecrets"},
        "one_line_refusals": {"()": "config.logging.OneLineRefusals"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["one_line_refusals", "redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

SILENCED_SYSTEM_CHECKS: list[str] = []
FORMS_URLFIELD_ASSUME_HTTPS = True
