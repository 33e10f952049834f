from config.settings.base import *  # noqa: F403
from config.settings.base import default_database, env

DATABASES = {"default": default_database(embedded_fallback=True)}

DEBUG = env.bool("DEBUG", default=True)
