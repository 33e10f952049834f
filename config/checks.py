"""System checks that say what this machine lacks for the product (`manage.py check`,
printed by `make demo` too): Pango for the PDFs, and fonts with Cyrillic letters."""

import shutil
import subprocess

from django.core.checks import Warning, register

INSTALL_HINT = (
    "Debian/Ubuntu: sudo apt install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; "
    "macOS: brew install pango"
)


@register()
def pdf_rendering_check(app_configs, **kwargs):
    try:
        import weasyprint  # noqa: F401  loads Pango through cffi at import
    except OSError as error:
        return [
            Warning(
                "PDF-документы (приказы, бланки логинов, отчёты, архив журнала) не будут "
                f"формироваться: не найдена библиотека Pango ({error}).",
                hint=INSTALL_HINT,
                id="journal.W001",
            )
        ]
    fc_list = shutil.which("fc-list")
    if fc_list:
        found = subprocess.run(
            [fc_list, ":lang=ru", "family"], capture_output=True, text=True, timeout=30
        ).stdout.strip()
        if not found:
            return [
                Warning(
                    "Нет шрифтов с кириллицей: в PDF-документах вместо букв будут квадраты.",
                    hint=INSTALL_HINT,
                    id="journal.W002",
                )
            ]
    return []
