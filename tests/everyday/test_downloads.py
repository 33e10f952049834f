"""Every file leaves through apps/privacy/downloads.py (issue 12, item 15): RFC 6266 names
with an ASCII fallback. The shapes of the КТП, orders, movement, reports and printouts are
checked in tests/security/test_files.py; this adds the care exports and the family printout,
and keeps any other view from writing its own header."""

import re
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.urls import reverse

from tests.diary.conftest import MONDAY

APPS = Path(settings.BASE_DIR) / "apps"
HELPER = APPS / "privacy" / "downloads.py"
# The calendar feed is read by calendar programs in place, not saved: not a download.
WRITES_DISPOSITION = re.compile(r"""\[\s*["']Content-Disposition["']\s*\]\s*=(?!=)""")
INLINE_FEEDS = {APPS / "diary" / "views.py": 'inline; filename="diary.ics"'}


def _names(response) -> tuple[str, str]:
    header = response["Content-Disposition"]
    fallback = re.search(r'filename="([^"]*)"', header).group(1)
    return fallback, unquote(header.split("filename*=UTF-8''", 1)[1])


def test_no_view_writes_its_own_content_disposition():
    writers = []
    for path in APPS.rglob("*.py"):
        if path == HELPER:
            continue
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            if WRITES_DISPOSITION.search(line) and INLINE_FEEDS.get(path, "\0") not in line:
                writers.append(f"{path.relative_to(APPS)}: {line.strip()}")
    assert not writers, "files must go through apps/privacy/downloads.py:\n" + "\n".join(writers)


def test_a_care_export_has_the_ascii_fallback_and_the_utf8_name(client, world):
    client.force_login(world.users["medic"])
    url = reverse("care:health-class-export", args=[world.school.pk, world.school_class.pk])
    response = client.get(url, {"format": "xlsx"})
    assert response.status_code == 200
    fallback, name = _names(response)
    assert fallback.isascii() and fallback.endswith(".xlsx") and "5A" in fallback
    assert "5А" in name and name.endswith(".xlsx")


def test_the_family_printout_is_named_after_the_child_and_the_week(client, dw):
    client.force_login(dw.users["parent"])
    response = client.get(
        reverse("diary:week-pdf", args=[dw.school.pk, dw.student.pk]), {"d": MONDAY.isoformat()}
    )
    fallback, name = _names(response)
    assert (
        name == f"Дневник {dw.student.last_name} {dw.student.first_name}, неделя с 07.09.2026.pdf"
    )
    assert fallback.isascii() and fallback.startswith("Dnevnik ")
