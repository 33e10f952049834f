"""The one way the product sends a file: an export, a PDF, an uploaded file.

- `Content-Disposition: attachment` with an ASCII fallback name and the real name in
  UTF-8 (RFC 6266, RFC 5987): «КТП 5А.xlsx» arrives as «КТП 5А.xlsx», old clients get
  «KTP 5A.xlsx»;
- `X-Content-Type-Options: nosniff`, so an uploaded file is never run as a page;
- `Cache-Control: no-store` for personal data (nothing stays in a shared computer's cache);
- the read is logged (apps/privacy/services.py) when the file holds personal data;
- an uploaded file may be sent by the web server (DOWNLOAD_OFFLOAD: "nginx" with
  X-Accel-Redirect to PROTECTED_MEDIA_URL, or "sendfile" with X-Sendfile) once the view
  has checked access, instead of being read through Python.
"""

import mimetypes
import re
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.utils.cache import patch_cache_control

from apps.accounts.logins import _TRANSLIT
from apps.privacy.services import Access, access_record

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Files up to this size are answered from memory (order PDFs, scans); larger ones stream.
IN_MEMORY_MAX = 2 * 1024 * 1024

_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|]+')


def safe_filename(name: str) -> str:
    """The name as the user should see it, without path parts or control characters."""
    name = _UNSAFE.sub("-", (name or "").strip()).strip(" .-")
    return name[:150] or "file"


def ascii_filename(name: str) -> str:
    """A Latin rendering of the name for clients that ignore filename*."""
    out = []
    for ch in name:
        low = ch.lower()
        if low in _TRANSLIT:
            latin = _TRANSLIT[low]
            out.append(latin.capitalize() if ch != low else latin)
        elif ch.isascii() and ch.isprintable():
            out.append(ch)
        else:
            out.append("_")
    return "".join(out) or "file"


def content_disposition(name: str) -> str:
    name = safe_filename(name)
    return (
        f"attachment; filename=\"{ascii_filename(name)}\"; filename*=UTF-8''{quote(name, safe='')}"
    )


def download(
    request,
    *,
    filename: str,
    content: bytes | None = None,
    file=None,
    content_type: str | None = None,
    personal: bool = True,
    access: Access | None = None,
):
    """Send `content` (bytes) or `file` (a stored FieldFile) as a download named `filename`.

    `access` logs the read (who, what, how many people) in the school of the request.
    """
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if file is not None:
        response = _file_response(file, content_type)
    else:
        response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    if personal:
        patch_cache_control(response, private=True, no_store=True)
    if access is not None:
        ctx = getattr(request, "school_ctx", None)
        if ctx is not None:
            access_record(school=ctx.school, user=request.user, access=access)
    return response


def _file_response(file, content_type: str):
    offload = settings.DOWNLOAD_OFFLOAD
    if offload == "nginx":
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.PROTECTED_MEDIA_URL + quote(file.name)
        return response
    if offload == "sendfile":
        response = HttpResponse(content_type=content_type)
        response["X-Sendfile"] = file.path
        return response
    if file.size <= IN_MEMORY_MAX:
        with file.open("rb") as fh:
            return HttpResponse(fh.read(), content_type=content_type)
    return FileResponse(file.open("rb"), content_type=content_type)
