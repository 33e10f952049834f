"""Report PDFs built by a worker instead of while the reader waits (a whole school's audit,
a class's diary printouts take tens of seconds).

The report's own view builds the file, as the person who asked: the same access checks and
the same file as the page's «PDF» link sends. Only the views listed here may be asked for,
and only in the school of the job.
"""

from urllib.parse import unquote, urlsplit

from django.http import HttpRequest, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _

PDF_VIEWS = {
    "reports:audit",
    "reports:progress",
    "reports:attendance",
    "diary:printout-pdf",
}


def pdf_path_allowed(path: str, school) -> bool:
    parsed = urlsplit(path)
    if parsed.scheme or parsed.netloc:
        return False
    try:
        match = resolve(parsed.path)
    except Resolver404:
        return False
    return match.view_name in PDF_VIEWS and match.kwargs.get("school_id") == school.pk


def pdf_by_its_view(*, path: str, user, school) -> tuple[bytes, str]:
    """(content, file name) of the PDF the view at `path` sends to `user`."""
    if not pdf_path_allowed(path, school):
        raise ValueError(_("Этот отчёт нельзя сформировать в фоне."))
    parsed = urlsplit(path)
    match = resolve(parsed.path)
    query = QueryDict(parsed.query, mutable=True)
    query["format"] = "pdf"
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = parsed.path
    request.GET = query
    request.user = user
    request.META = {"SERVER_NAME": "worker", "SERVER_PORT": "80", "REMOTE_ADDR": "127.0.0.1"}
    with timezone.override(school.tz):
        response = match.func(request, *match.args, **match.kwargs)
    if response.status_code != 200 or response.get("Content-Type") != "application/pdf":
        raise ValueError(_("Отчёт недоступен: у вас нет к нему доступа или в нём нет данных."))
    disposition = response.get("Content-Disposition", "")
    name = (
        unquote(disposition.split("filename*=UTF-8''", 1)[1])
        if "filename*=UTF-8''" in disposition
        else "report.pdf"
    )
    return response.content, name
