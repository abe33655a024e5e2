"""Rows built once for a module's tests (conftest.rows_for_a_module): every test sees them
as built, and what one test changes (rows or media files) the next does not see.

The tests run in their order in this module, on one worker (xdist_group): the second
checks what the first changed. (The transaction spans the module: a test of the module
that does not ask for the rows sees them too.)"""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from conftest import CITY, MINQUAN, copy_module_media, rows_for_a_module
from tuopin.accounts.roles import Role
from tuopin.accounts.services import user_create
from tuopin.regions.models import Region

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("rows_for_a_module")]


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("module-media")
    with rows_for_a_module(django_db_blocker, media) as building:
        with building():
            user = user_create(
                acting_user=None,
                username="built-once",
                password="Shangqiu#2018",
                role=Role.COUNTY_OFFICE,
                region=Region.objects.get(code=MINQUAN),
            )
            (Path(settings.MEDIA_ROOT) / "built.txt").write_text("built", encoding="utf-8")
            hashed_with = user.password.split("$")[0]
        yield user.pk, media, hashed_with


@pytest.fixture
def rows(built, db):
    pk, media, hashed_with = built
    copy_module_media(media)
    return pk, hashed_with


def test_a_test_sees_the_rows_and_changes_them(rows):
    pk, hashed_with = rows
    assert hashed_with == "md5"  # built with the tests' fast hasher, as make_user's users
    user = get_user_model().objects.get(pk=pk)
    assert user.check_password("Shangqiu#2018")
    user.delete()
    get_user_model().objects.create(username="made-by-the-first-test")
    Region.objects.filter(code=CITY).update(name="改过的名字")
    own = Path(settings.MEDIA_ROOT) / "built.txt"
    assert own.read_text(encoding="utf-8") == "built"
    own.unlink()


def test_the_next_test_sees_them_as_built(rows):
    pk, _hashed_with = rows
    assert get_user_model().objects.filter(pk=pk, username="built-once").exists()
    assert not get_user_model().objects.filter(username="made-by-the-first-test").exists()
    assert Region.objects.get(code=CITY).name == "商丘市"
    assert (Path(settings.MEDIA_ROOT) / "built.txt").read_text(encoding="utf-8") == "built"
