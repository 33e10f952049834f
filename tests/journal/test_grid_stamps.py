"""The rendered grid is cached under the change stamps of what it is made of (`GRID` in
apps/gradebook/models.py): every table it is built from is declared, and every kind of
change a teacher makes, or that reaches the grid from elsewhere, shows at the next read."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.gradebook.models import GRID
from tests.stamps import tables_read, undeclared


def test_every_table_the_grid_is_built_from_is_declared(client, jw):
    """What a cold grid page reads beyond a warm one is what the cached grid is made of."""
    client.force_login(jw.users["teacher"])
    url = reverse("journal:grid", args=[jw.school.pk, jw.assignment.pk])
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        assert client.get(url, {"period": jw.period.pk}).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert client.get(url, {"period": jw.period.pk}).status_code == 200
    built_from = tables_read(cold) - tables_read(warm)
    assert "gradebook_mark" in built_from
    missing = undeclared(GRID, built_from)
    assert not missing, f"the grid is built from tables GRID does not declare: {sorted(missing)}"


