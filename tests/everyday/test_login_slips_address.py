"""Login slips carry the address the school configured (SITE_URL); in production a slip with
localhost is refused before any account is made (issue 12, item 21)."""

from django.urls import reverse

from apps.accounts.models import LoginIssue
from apps.students.models import Student
from tests import factories as f
from tests.pdf import pdf_text


def _issue(client, world):
    return client.post(
        reverse("accounts:logins-issue", args=[world.school.pk]),
        {"class": world.school_class.pk, "students": "on", "channel": "slip"},
        follow=True,
    )


def test_a_slip_carries_the_configured_address(client, world, settings):
    settings.SITE_URL = "https://journal.school17.ru"
    settings.SITE_URL_MUST_BE_PUBLIC = True
    f.EnrollmentFactory(school_class=world.school_class, student__last_name="Фёдоров")
    client.force_login(world.users["admin"])
    response = _issue(client, world)
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "https://journal.school17.ru" in text and "localhost" not in text


def test_production_refuses_slips_with_localhost_and_makes_no_account(client, world, settings):
    settings.SITE_URL = "http://localhost:8000"
    settings.SITE_URL_MUST_BE_PUBLIC = True
    pupil = f.EnrollmentFactory(
        school_class=world.school_class, student__last_name="Фёдоров"
    ).student
    client.force_login(world.users["admin"])
    page = client.get(
        reverse("accounts:logins", args=[world.school.pk]), {"class": world.school_class.pk}
    ).content.decode()
    assert 'data-testid="site-problem"' in page and "SITE_URL" in page
    refused = _issue(client, world).content.decode()
    assert "Адрес журнала для бланков не настроен" in refused
    assert Student.objects.get(pk=pupil.pk).user_id is None
    assert not LoginIssue.objects.exists()


def test_a_development_server_still_prints_with_localhost(client, world, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.SITE_URL_MUST_BE_PUBLIC = False
    f.EnrollmentFactory(school_class=world.school_class, student__last_name="Фёдоров")
    client.force_login(world.users["admin"])
    assert _issue(client, world)["Content-Type"] == "application/pdf"


def test_the_production_settings_require_a_public_address():
    from pathlib import Path

    from django.conf import settings

    prod = (Path(settings.BASE_DIR) / "config" / "settings" / "prod.py").read_text()
    assert 'SITE_URL_MUST_BE_PUBLIC = env.bool("SITE_URL_MUST_BE_PUBLIC", default=True)' in prod
