"""Every school page opens in Chromium for a role allowed to see it, without a browser error.

Screenshots land in test-artifacts/pages/ for a person to look at.
"""

import pytest
from django.urls import reverse

from apps.accounts.policy import POLICY, Role
from tests.browser import login, screenshot
from tests.test_permission_matrix import SCHOOL_PATTERNS, _sample_kwargs

pytestmark = pytest.mark.e2e
PASSWORD = "пароль-для-тестов"
# Prefer the role that uses a page every day when several may open it.
ROLE_PREFERENCE = [
    Role.DEPUTY,
    Role.TEACHER,
    Role.SECRETARY,
    Role.ADMIN,
    Role.DIRECTOR,
    Role.DISPATCHER,
    Role.MEDIC,
    Role.PSYCHOLOGIST,
    Role.TECHNICAL,
    Role.PARENT,
    Role.STUDENT,
]


def _role_for(view, name):
    from tests.permission_samples import CHECK_EXPECTATIONS

    if view.required_check is not None:
        allowed = {r for r, status in CHECK_EXPECTATIONS[name].items() if status == 200}
    elif view.required_perm is None:
        allowed = set(Role.values)
    else:
        allowed = set(POLICY[view.required_perm])
    return next((r for r in ROLE_PREFERENCE if r in allowed), None)


def test_every_page_opens_without_errors(page, live_server, world):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    logged_in_as = None
    visited = 0
    for name, pattern in SCHOOL_PATTERNS:
        role = _role_for(pattern.callback, name)
        if role is None:
            continue
        url = reverse(
            name, kwargs={"school_id": world.school.pk, **_sample_kwargs(name, pattern, world)}
        )
        if role != logged_in_as:
            page.context.clear_cookies()
            login(page, live_server.url, world.users[role].username, PASSWORD)
            logged_in_as = role
        probe = page.request.get(live_server.url + url)
        if probe.status == 405:  # a POST-only action
            continue
        if "text/html" not in probe.headers.get("content-type", ""):  # a file download (PDF, Excel)
            assert probe.status == 200, f"{name} as {role}: {probe.status}"
            continue
        response = page.goto(live_server.url + url)
        assert response.status == 200, f"{name} as {role}: {response.status}"
        assert page.locator("h1").count() >= 1, f"{name} has no page title"
        screenshot(page, f"pages/{name.replace(':', '-')}")
        visited += 1
    assert not errors, errors
    assert visited >= 20
