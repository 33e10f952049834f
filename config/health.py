"""Health answers for the load balancer and docker-compose.

`/healthz/live`: the process answers (no dependency: a database outage must not make the
orchestrator restart every web process). `/healthz/ready`: the database and Redis, each
reported as it is; the database down is 503, Redis down is «degraded» but ready, because
the product keeps working without it (sessions in the database, the cache skipped, tasks
kept and sent later). `/healthz` is the readiness answer under its old name.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

REDIS_TIMEOUT = 0.5  # seconds: a hanging Redis must not hang the health check


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        connection.close_if_unusable_or_obsolete()
        return "unavailable"
    return "ok"


def _redis() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL,
            socket_connect_timeout=REDIS_TIMEOUT,
            socket_timeout=REDIS_TIMEOUT,
        )
        try:
            client.ping()
        finally:
            client.close()
    except Exception:
        return "unavailable"
    return "ok"


@never_cache
def live(request):
    return JsonResponse({"status": "ok"})


@never_cache
def ready(request):
    database, redis_state = _database(), _redis()
    if database != "ok":
        status = "unavailable"
    elif redis_state == "unavailable":
        status = "degraded"
    else:
        status = "ok"
    return JsonResponse(
        {"status": status, "database": database, "redis": redis_state},
        status=503 if database != "ok" else 200,
    )


@login_required
def session_ping(request):
    """A logged-in session answers: the session store and the login work (monitoring), and the
    cheapest page the whole middleware stack can serve (the benchmark's ceiling)."""
    return HttpResponse("ok", content_type="text/plain")
