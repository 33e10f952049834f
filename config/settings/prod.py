from config.settings.base import *  # noqa: F403
from config.settings.base import default_database, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
# Health and social data must not be readable with the key of the sessions (README).
SPECIAL_DATA_KEYS = env.list("SPECIAL_DATA_KEYS")
# A school's data lives in its own PostgreSQL: never an embedded server inside a container.
DATABASES = {"default": default_database(embedded_fallback=False)}
# The container's own health check calls http://localhost:8000/healthz.
ALLOWED_HOSTS = [*env.list("ALLOWED_HOSTS", default=[]), "localhost"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
