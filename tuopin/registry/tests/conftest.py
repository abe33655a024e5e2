"""Fixtures the registry's tests share."""

import pytest

from conftest import MINQUAN, RENHE, first_village
from tuopin.accounts.roles import Role


@pytest.fixture
def village():
    """朱寨村委会 of 人和镇, 民权县."""
    return first_village(RENHE)


@pytest.fixture
def office(make_user):
    """A county office user of 民权县."""
    return make_user(Role.COUNTY_OFFICE, MINQUAN)
