import pytest
from django.urls import reverse

from apps.accounts.policy import Role


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_landing_page_renders_for_every_role(client, world, role):
    client.force_login(world.users[role])
    response = client.get(reverse("school:home", args=[world.school.pk]))
    assert response.status_code == 200
    assert str(Role(role).label) in response.content.decode()
