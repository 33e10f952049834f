"""The demo school gives every role something in the store, the catalogue and the repair
queue on its first login: public documents on the open page, a local act with two editions,
shared and private materials, a month of repair requests with the caretaker's answers."""

from datetime import date

import pytest
from django.urls import reverse

from apps.documents.models import Resource
from apps.facilities.models import RepairRequest
from apps.messaging.models import Notification
from apps.orders.models import SchoolDocument


@pytest.mark.django_db(transaction=False)
def test_the_demo_fills_documents_resources_and_repairs(client):
    from apps.school.demo import build_demo_school

    demo = build_demo_school(scale=0.2, today=date(2026, 11, 24))
    documents = SchoolDocument.objects.filter(school=demo.school, order__isnull=True)
    assert {d.category for d in documents} == {"public", "regulations", "normative", "templates"}
    assert documents.filter(version=2).exists()
    assert documents.filter(visibility="roles").exists()
    public = client.get(reverse("documents:public", args=[demo.school.pk])).content.decode()
    assert "Устав МБОУ" in public
    some = documents.first()
    with some.file.open("rb") as fh:
        assert fh.read(5) == b"%PDF-"

    resources = Resource.objects.filter(school=demo.school)
    assert resources.filter(kind="file").exists() and resources.filter(kind="link").exists()
    assert resources.filter(shared=False).exists()
    assert resources.filter(
        owner=demo.users["teacher"], subject__name="Математика", grades__contains=[5]
    ).exists()

    repairs = RepairRequest.objects.filter(school=demo.school)
    assert repairs.count() >= 15
    assert {r.status for r in repairs} >= {"new", "done", "refused"}
    assert all(r.created_at.date() <= date(2026, 11, 24) for r in repairs)
    assert Notification.objects.filter(
        user=demo.users["teacher"], link__contains="/repairs/"
    ).exists()
    client.force_login(demo.users["technical"])
    home = client.get(reverse("school:home", args=[demo.school.pk])).content.decode()
    assert 'data-testid="open-repairs"' in home
