"""Uploaded files: what kinds are taken, how big, and where they are stored.

Every file field of the product checks its upload here: an allow-list of kinds with the
bytes each kind starts with (a page renamed to .pdf is refused), and a size limit. Files
are stored under random names (never the uploaded name, never a guessable path) and are
sent only by views that check access (apps/privacy/downloads.py); /media/ is not served.
"""

import os
import uuid

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

# The first bytes of each accepted kind.
_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
SIGNATURES: dict[str, tuple[bytes, ...] | None] = {
    "pdf": (b"%PDF",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "gif": (b"GIF87a", b"GIF89a"),
    "docx": _ZIP,
    "xlsx": _ZIP,
    "pptx": _ZIP,
    "odt": _ZIP,
    "ods": _ZIP,
    "odp": _ZIP,
    "doc": _OLE,
    "xls": _OLE,
    "ppt": _OLE,
    "rtf": (b"{\\rtf",),
    "txt": None,  # plain text: no NUL byte and valid UTF-8 (or cp1251) at the start
}

SCAN_KINDS = frozenset({"pdf", "jpg", "jpeg", "png"})
SCAN_MAX_MB = 10
DOCUMENT_KINDS = frozenset({"pdf", "doc", "docx", "odt", "rtf", "xls", "xlsx", "ods"})
DOCUMENT_MAX_MB = 20


def extension_of(name: str) -> str:
    base = os.path.basename(name or "")
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def check_upload(file, *, kinds: frozenset[str], max_mb: int) -> str:
    """Refuse a file of another kind, a file whose bytes do not match its kind, or one too
    big; returns its extension. Messages name the file, in Russian."""
    name = os.path.basename(getattr(file, "name", "") or "")
    extension = extension_of(name)
    allowed = ", ".join(sorted(kinds))
    if extension not in kinds:
        raise ValidationError(
            _("Файл «%(name)s»: такой тип файла не принимается. Можно: %(kinds)s.")
            % {"name": name, "kinds": allowed}
        )
    if file.size > max_mb * 1024 * 1024:
        raise ValidationError(
            _("Файл «%(name)s» больше %(mb)s МБ. Уменьшите его и загрузите снова.")
            % {"name": name, "mb": max_mb}
        )
    if file.size == 0:
        raise ValidationError(_("Файл «%(name)s» пустой.") % {"name": name})
    head = _head(file)
    signatures = SIGNATURES.get(extension)
    if signatures is None:
        if b"\x00" in head:
            raise ValidationError(_("Файл «%(name)s» не похож на текст.") % {"name": name})
    elif not head.startswith(signatures):
        raise ValidationError(
            _("Файл «%(name)s» не является файлом %(ext)s (содержимое не совпадает с расширением).")
            % {"name": name, "ext": extension.upper()}
        )
    return extension


def _head(file, size: int = 4096) -> bytes:
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(size)
    file.seek(position)
    return head if isinstance(head, bytes) else head.encode()


@deconstructible
class RandomName:
    """upload_to: `<folder>/<school>/<random>.<ext>`; the uploaded name is kept in the row."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        extension = extension_of(filename)
        school = getattr(instance, "school_id", None) or "x"
        name = uuid.uuid4().hex + (f".{extension}" if extension else "")
        return f"{self.folder}/{school}/{name}"

    def __eq__(self, other) -> bool:
        return isinstance(other, RandomName) and other.folder == self.folder
