import atexit
import shutil
import tempfile
from pathlib import Path

from config.settings.base import *  # noqa: F403
from config.settings.base import default_database, env

DATABASES = {"default": default_database(embedded_fallback=True)}

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Files tests upload or keep (homework, exports, signed orders) stay out of var/.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="journal-test-media-"))
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
DATABASES["default"]["CONN_MAX_AGE"] = 0
CELERY_TASK_ALWAYS_EAGER = True  # the Celery integration tests start a real worker themselves
# Parallel test runs on one server (CI, several checkouts) each get their own database.
DATABASES["default"]["TEST"] = {"NAME": "test_journal" + env("TEST_DB_SUFFIX", default="")}

# Tests share the machine's Redis with other runs: keep cache and sessions per process.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Diary reads are written at once in tests; the buffer's own tests turn it on with a key of
# their own run.
ACTIVITY_BUFFER = False
ACTIVITY_BUFFER_KEY = "journal-test" + env("TEST_DB_SUFFIX", default="") + ":activity"
# A fixed key pair for the encrypted special-category fields (the second one is an "old"
# key, so rotation is exercised); a run may bring its own through SPECIAL_DATA_KEYS.
SPECIAL_DATA_KEYS = env.list(
    "SPECIAL_DATA_KEYS",
    default=[
        "dGVzdC1vbmx5LXNwZWNpYWwtZGF0YS1rZXktMDAwMDE=",
        "dGVzdC1vbmx5LXNwZWNpYWwtZGF0YS1rZXktb2xkMDI=",
    ],
)
