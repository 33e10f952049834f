from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse


def healthz(request):
    """For the load balancer and docker-compose: the app answers and the database too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@login_required
def session_ping(request):
    """A logged-in session answers: the session store and the login work (monitoring), and the
    cheapest page the whole middleware stack can serve (the benchmark's ceiling)."""
    return HttpResponse("ok", content_type="text/plain")
