"""Every table a diary page shows is declared as a source of its change stamps.

Each page is rendered with its queries captured; a table it read that `DIARY`
(apps/diary/models.py) neither lists as a source nor names as keyed otherwise fails here:
a new table on the diary week cannot be forgotten (its pages would answer 304, or come from
the cache, after it changed).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.diary.models import DIARY
from apps.gradebook.models import GRID
from apps.stamps.pages import Page
from tests.diary.conftest import MONDAY
from tests.stamps import tables_read, undeclared

DIARY_PAGES = ["diary:week", "diary:marks", "diary:year", "diary:homework", "diary:timetable"]


@pytest.mark.parametrize("name", DIARY_PAGES)
def test_every_table_a_diary_page_reads_is_declared(client, dw, name):
    client.force_login(dw.users["parent"])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(
            reverse(name, args=[dw.school.pk, dw.student.pk]), {"d": MONDAY.isoformat()}
        )
    assert response.status_code == 200
    read = tables_read(captured)
    assert {"schedule_lesson", "classes_subject"} & read  # the capture saw the page
    missing = undeclared(DIARY, read)
    assert not missing, f"{name} reads tables DIARY does not declare: {sorted(missing)}"


def test_the_check_finds_an_undeclared_table():
    """The declaration check itself: a page missing a source is caught."""
    without_marks = Page("t", tuple(s for s in GRID.sources if s.table != "gradebook_mark"))
    assert undeclared(without_marks, {"gradebook_mark", "schedule_lesson"}) == {"gradebook_mark"}


@pytest.mark.django_db
@pytest.mark.parametrize("page", [DIARY, GRID], ids=["diary", "grid"])
def test_every_source_carries_its_triggers(page):
    """makemigrations wrote a trigger per operation for every declared source (installed)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'pgtrigger_stamp_%%'")
        installed = {name for (name,) in cursor.fetchall()}
    for source in page.sources:
        for op in ("ins", "upd", "del"):
            prefix = f"pgtrigger_stamp_{page.name}_{source.model._meta.model_name}_{op}_"
            assert any(t.startswith(prefix) for t in installed), prefix
