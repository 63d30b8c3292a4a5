from .base import *  # noqa: F403

DEBUG = True
ALLOWED_HOSTS = ["*"]
# Static files straight from the app folders (no collectstatic needed outside production).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
