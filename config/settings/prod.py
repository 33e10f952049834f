from config.settings.base import *  # noqa: F403
from config.settings.base import default_database, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
SITE_URL_MUST_BE_PUBLIC = env.bool("SITE_URL_MUST_BE_PUBLIC", default=True)
# Health and social data must not be readable with the key of the sessions (README).
SPECIAL_DATA_KEYS = env.list("SPECIAL_DATA_KEYS")
# A school's data lives in its own PostgreSQL: never an embedded server inside a container.
DATABASES = {"default": default_database(embedded_fallback=False)}
# The container's own health check calls http://localhost:8000/healthz/live.
ALLOWED_HOSTS = [*env.list("ALLOWED_HOSTS", default=[]), "localhost"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)

# HTTPS. Off unless configured: a school that serves plain HTTP on its own network must
# not be redirected to a port nobody listens on. docker-compose.yml turns them on behind
# its TLS-terminating proxy.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# The health checks of the compose file call the app directly over HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz"]
# X-Forwarded-Proto is believed only when a proxy that sets it (and strips a client's own)
# stands in front: otherwise any client could claim HTTPS.
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
