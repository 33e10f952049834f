from django.db import connection
from django.http import HttpResponse


def healthz(request):
    """For the load balancer and docker-compose: the app answers and the database too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
