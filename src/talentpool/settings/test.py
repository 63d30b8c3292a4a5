import os

from .base import *  # noqa: F403
from .base import CACHES, DATABASES, HOME_DIR

# pytest-xdist runs the suite in several processes at once (gw0, gw1, ...): each gets its own home, so uploads,
# the reference stamp file and saved match indexes of one worker never meet another's.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if XDIST_WORKER:
    HOME_DIR = HOME_DIR / XDIST_WORKER
    HOME_DIR.mkdir(parents=True, exist_ok=True)
    MEDIA_ROOT = HOME_DIR / "media"
    CACHES["sessions"]["LOCATION"] = str(HOME_DIR / "cache" / "sessions")
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["NAME"] = str(HOME_DIR / "talentpool.sqlite3")

DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast user creation in tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": None}
# Static files straight from the app folders (no collectstatic needed outside production).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
