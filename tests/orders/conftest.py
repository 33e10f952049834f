"""Fixtures of the contingent area on top of `world`."""

from datetime import date

import pytest

from apps.orders import services
from apps.orders.models import OrderKind
from tests import factories as f

NOV_16 = date(2026, 11, 16)


@pytest.fixture
def secretary(world):
    return world.users["secretary"]


@pytest.fixture
def director(world):
    return world.users["director"]


@pytest.fixture
def class_5b(world):
    return f.SchoolClassFactory(year=world.year, grade=5, letter="Б", shift=world.shift)


def draft(world, secretary, kind, *, on=NOV_16, lines=()):
    """A draft order of `kind` dated `on` with lines given as dicts for order_item_add."""
    order = services.order_draft(
        acting_user=secretary, school=world.school, year=world.year, kind=kind, order_date=on
    )
    for line in lines:
        services.order_item_add(acting_user=secretary, order=order, **line)
    return order


def signed(world, secretary, director, kind, **kwargs):
    order = draft(world, secretary, kind, **kwargs)
    return services.order_sign(acting_user=director, order=order)


__all__ = ["NOV_16", "OrderKind", "draft", "signed"]
