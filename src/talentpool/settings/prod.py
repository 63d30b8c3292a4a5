"""Production: PostgreSQL with persistent connections, whitenoise for static files, keys from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, STORAGES

DEBUG = False
for name in ("DJANGO_SECRET_KEY", "DATABASE_URL", "TALENTPOOL_DATA_KEY", "TALENTPOOL_LOOKUP_KEY"):
    if not os.environ.get(name):
        raise ImproperlyConfigured(f"{name} must be set in production (see docs/operations.md)")
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DB_CONN_MAX_AGE", "600"))
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# HTTPS only: plain HTTP is redirected (nginx does it first; this catches a misrouted request), except the load
# balancer's /healthz. HSTS tells browsers never to try HTTP again: a year by default; start a first deployment with
# DJANGO_HSTS_SECONDS=3600 and raise it once HTTPS is known good (docs/operations.md, "HTTPS and browser security").
SECURE_SSL_REDIRECT = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True  # inert unless the registrable domain is submitted to the preload list
