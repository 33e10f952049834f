"""Login e-mails go through a real worker after commit; the password is made in the worker."""

import pytest

from apps.accounts import logins
from apps.accounts.models import LoginIssue
from apps.accounts.policy import Role
from tests import factories as f
from tests.integration.conftest import wait_until


@pytest.mark.django_db(transaction=True)
def test_login_email_is_sent_once_by_the_worker(celery_worker_process):
    school = f.SchoolFactory()
    admin = f.UserFactory(username="adm-mail")
    guardian = f.GuardianFactory(
        school=school,
        last_name="Почтова",
        first_name="Мария",
        patronymic="",
        email="pochtova@example.ru",
    )
    person = logins.Person(record=guardian, role=Role.PARENT, email=guardian.email)
    logins.logins_issue(
        acting_user=admin, school=school, people=[person], channel=LoginIssue.Channel.EMAIL
    )
    mails = wait_until(lambda: celery_worker_process.mails(), timeout=30)
    assert len(mails) == 1
    assert "pochtova.m" in mails[0] and "pochtova@example.ru" in mails[0]
    issue = LoginIssue.objects.get()
    assert wait_until(lambda: LoginIssue.objects.get().emailed_at is not None)
    # Sending again does nothing: the issue is marked sent.
    assert logins.login_email_send(issue_id=issue.pk) is False
