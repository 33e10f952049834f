"""Crafted query strings on every page: out-of-range dates, huge numbers, NUL characters.

Every URL of the project is requested by a user who may open it, once with every query
parameter its module reads set to each hostile value, and once per parameter alone (so a
parameter read only after another one was accepted is reached too). No answer may be a
server error: a refusal is 400 (with a page that says why) or the page with its default.
The parameter names are read from the source, so a new `request.GET.get("x")` is fuzzed
without touching this test.
"""

import inspect
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from apps.accounts.policy import Role
from tests.test_permission_matrix import SCHOOL_PATTERNS, _expected_status, _url

HOSTILE = ["9999-12-31", "0001-01-01", "9999-12", "99999999999999999999999999", "-1", "a\x00b"]
# Each parameter alone gets these (the others are tried with every parameter at once).
ALONE = {"9999-12-31", "0001-01-01", "99999999999999999999999999", "a\x00b"}
_READ = re.compile(
    r"""(?:GET|data|g)\.get(?:list)?\(\s*["']([a-zA-Z_]+)["']|GET\[["']([a-zA-Z_]+)["']\]"""
)
_PARAMS_BY_MODULE: dict[str, list[str]] = {}


def params_read_by(view) -> list[str]:
    module = inspect.getmodule(inspect.unwrap(view))
    path = Path(inspect.getsourcefile(module))
    if path not in _PARAMS_BY_MODULE:
        found = {a or b for a, b in _READ.findall(path.read_text())}
        _PARAMS_BY_MODULE[path] = sorted(found)
    return _PARAMS_BY_MODULE[path]


def _reader(name, pattern):
    """A role that may open the page (the first the policy gives a 200)."""
    for role in Role:
        if _expected_status(name, pattern.callback, role.value) == 200:
            return role.value
    return None


def _query(pairs) -> str:
    return "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in pairs)


# Pages some role opens (the rest answer every role 403/404, whatever the query string).
READABLE = [(name, pattern) for name, pattern in SCHOOL_PATTERNS if _reader(name, pattern)]


@pytest.mark.parametrize(("name", "pattern"), READABLE, ids=[n for n, _ in READABLE])
def test_no_query_string_gives_a_server_error(client, world, name, pattern):
    role = _reader(name, pattern)
    client.force_login(world.users[role])
    url = _url(name, pattern, world, world.school)
    if client.get(url).status_code == 405:
        # A form's target: a GET with any query string is refused (405, or 400 for a NUL
        # character), never a 500.
        hostile = _query(
            [(p, v) for p in params_read_by(pattern.callback) or ["day"] for v in HOSTILE]
        )
        assert client.get(f"{url}?{hostile}").status_code < 500
        return
    params = params_read_by(pattern.callback) or ["day"]
    requests, failures = 0, []
    for value in HOSTILE:
        queries = [[(p, value) for p in params]]
        if value in ALONE:
            queries += [[(p, value)] for p in params]
        for pairs in queries:
            response = client.get(f"{url}?{_query(pairs)}")
            requests += 1
            if response.status_code >= 500:
                failures.append(f"{_query(pairs)!r}: {response.status_code}")
    print(f"{name}: {requests} hostile requests as {role}, params {params}")
    assert not failures, f"{url}\n" + "\n".join(failures)


def test_a_refused_date_says_why(client, world):
    client.force_login(world.users["parent"])
    from django.urls import reverse

    url = reverse("diary:week", args=[world.school.pk, world.student.pk])
    response = client.get(f"{url}?d=9999-12-31")
    assert response.status_code == 400
    assert "вне допустимого диапазона" in response.content.decode()
    assert client.get(f"{url}?d=0001-01-01").status_code == 400
    # A typo is not an error: the current week.
    assert client.get(f"{url}?d=завтра").status_code == 200


def test_a_nul_in_a_search_box_or_a_form_is_refused_with_a_message(client, world):
    from django.urls import reverse

    client.force_login(world.users["secretary"])
    response = client.get(reverse("students:list", args=[world.school.pk]) + "?q=%00")
    assert response.status_code == 400
    assert "недопустимый символ" in response.content.decode()
    client.force_login(world.users["teacher"])
    response = client.post(
        reverse("journal:cell", args=[world.school.pk]),
        {"lesson": "1", "student": "1", "comment": "хорошо\x00"},
    )
    assert response.status_code == 400
