"""Every URL of the project × every role: the status each role gets is what the policy says.

A school view declares what it requires through `school_view(perm)`; the expected
answer for each role comes from the policy table (apps/accounts/policy.py). A new view
without a declaration, or with ids and no sample in tests/permission_samples.py, fails
here. Another school's pages and objects answer 404, never 403.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from apps.accounts.policy import POLICY, Role
from apps.school.sections import SECTIONS_BY_SLUG
from tests.diary.permission_samples import DIARY_PUBLIC_URLS
from tests.documents.permission_samples import DOCUMENTS_PUBLIC_URLS
from tests.permission_samples import CHECK_EXPECTATIONS, URL_SAMPLES

# URLs outside any school: reachable without a school role, checked by their own tests.
OUTSIDE_SCHOOLS = (
    {
        "school:choose",
        "accounts:login",
        "accounts:logout",
        "accounts:password_change",
        "set_language",
        "healthz",
        "healthz-session",
        "school:first-run",  # one-time link of a new installation (tests/school/test_first_run.py)
        "healthz-live",
        "healthz-ready",
    }
    | DIARY_PUBLIC_URLS
    | DOCUMENTS_PUBLIC_URLS
)
IGNORED = {None}  # unnamed patterns (favicon redirect)


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            yield from _walk(p.url_patterns, ns)
        elif isinstance(p, URLPattern):
            yield (f"{prefix}{p.name}" if p.name else None), p


ALL_PATTERNS = [(name, p) for name, p in _walk(get_resolver().url_patterns) if name not in IGNORED]
SCHOOL_PATTERNS = [(name, p) for name, p in ALL_PATTERNS if name not in OUTSIDE_SCHOOLS]


def test_every_url_is_declared():
    undeclared = []
    for name, pattern in SCHOOL_PATTERNS:
        view = pattern.callback
        if not hasattr(view, "required_perm"):
            undeclared.append(f"{name}: not a school_view")
        elif view.required_check is not None and name not in CHECK_EXPECTATIONS:
            undeclared.append(f"{name}: access by check, add it to CHECK_EXPECTATIONS")
        elif set(pattern.pattern.converters) - {"school_id"} and not _sample_kwargs(
            name, pattern, None, probe=True
        ):
            undeclared.append(f"{name}: takes ids, add a sample to URL_SAMPLES")
    assert not undeclared, "Views without a declared expectation:\n" + "\n".join(undeclared)


def _section_of(name, pattern):
    section = pattern.default_args.get("section")
    return (
        section if section is not None and SECTIONS_BY_SLUG.get(section.slug) is section else None
    )


def _sample_kwargs(name, pattern, world, probe=False):
    """kwargs (other than school_id) to build the URL for `world`'s school."""
    params = set(pattern.pattern.converters) - {"school_id"}
    if not params:
        return {} if not probe else True
    if name in URL_SAMPLES:
        return URL_SAMPLES[name](world) if not probe else True
    section = _section_of(name, pattern)
    if section is not None and params == {"pk"}:
        if probe:
            return True
        obj = section.model.objects.filter(school=world.school).order_by("pk").first()
        assert obj is not None, f"the world fixture has no {section.model.__name__}"
        return {"pk": obj.pk}
    return None if not probe else False


def _expected_status(name, view, role):
    if view.required_check is not None:
        return CHECK_EXPECTATIONS[name].get(role, 403)
    perm = view.required_perm
    return 200 if perm is None or role in POLICY[perm] else 403


def _url(name, pattern, world, school):
    return reverse(name, kwargs={"school_id": school.pk, **_sample_kwargs(name, pattern, world)})


@pytest.mark.parametrize(("name", "pattern"), SCHOOL_PATTERNS, ids=[n for n, _ in SCHOOL_PATTERNS])
def test_each_role_gets_what_the_policy_says(client, world, name, pattern):
    url = _url(name, pattern, world, world.school)
    failures = []
    for role in Role:
        client.force_login(world.users[role.value])
        status = client.get(url).status_code
        expected = _expected_status(name, pattern.callback, role.value)
        # POST-only actions answer 405 to a GET from a role that may use them.
        ok = status in (200, 405) if expected == 200 else status == expected
        if not ok:
            failures.append(f"{role.value}: got {status}, expected {expected}")
    assert not failures, f"{url}\n" + "\n".join(failures)


@pytest.mark.parametrize(("name", "pattern"), SCHOOL_PATTERNS, ids=[n for n, _ in SCHOOL_PATTERNS])
def test_another_school_is_not_found(client, world, name, pattern):
    """A user of school A probing school B's pages, or B's ids inside A's pages, gets 404."""
    foreign_page = _url(name, pattern, world.other, world.other.school)
    foreign_ids = None
    if set(pattern.pattern.converters) - {"school_id"}:
        foreign_ids = reverse(
            name,
            kwargs={"school_id": world.school.pk, **_sample_kwargs(name, pattern, world.other)},
        )
    for role in Role:
        client.force_login(world.users[role.value])
        assert client.get(foreign_page).status_code == 404, f"{role.value} reached {foreign_page}"
        assert client.post(foreign_page).status_code == 404, (
            f"{role.value} posted to {foreign_page}"
        )
        if foreign_ids and _expected_status(name, pattern.callback, role.value) == 200:
            # POST-only actions refuse a GET (405) before looking anything up; a POST must find nothing.
            status = client.get(foreign_ids).status_code
            assert status in (404, 405), (
                f"{role.value} got {status} for another school's id at {foreign_ids}"
            )
            status = client.post(foreign_ids).status_code
            assert status == 404, (
                f"{role.value} posted to another school's id at {foreign_ids}: {status}"
            )


@pytest.mark.parametrize(("name", "pattern"), SCHOOL_PATTERNS, ids=[n for n, _ in SCHOOL_PATTERNS])
def test_anonymous_is_sent_to_login(client, world, name, pattern):
    response = client.get(_url(name, pattern, world, world.school))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
