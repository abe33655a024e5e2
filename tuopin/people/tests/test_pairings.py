"""Cadres, pairings, the registry's helper column kept in step, and the data migration."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from conftest import MINQUAN, RENHE, SUIXIAN, first_village, other_county_village
from tuopin.accounts.roles import Role
from tuopin.core.errors import OutOfScope, TuopinError
from tuopin.people.models import Pairing, PairingEndReason
from tuopin.people.pairing_services import cadre_save, pairing_end, pairing_start, pairings_sync
from tuopin.people.tests.helpers_factories import an_id_number, helper, household
from tuopin.registry.models import Household

pytestmark = pytest.mark.django_db


def test_cadre_save_validates_and_masks_nothing_away(make_user):
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    cadre = cadre_save(
        acting_user=county,
        region_code=MINQUAN,
        values={"name": "张帮扶", "id_number": an_id_number(1), "unit_level": "县直"},
    )
    assert cadre.region_id == MINQUAN and cadre.unit_level == "3"
    with pytest.raises(TuopinError) as bad:
        cadre_save(
            acting_user=county,
            region_code=MINQUAN,
            values={"name": "李", "id_number": "411421198001021235"},
        )
    assert bad.value.field == "id_number" and "身份证号无效" in bad.value.message_zh
    with pytest.raises(TuopinError) as taken:
        cadre_save(
            acting_user=county,
            region_code=MINQUAN,
            values={"name": "王", "id_number": an_id_number(1)},
        )
    assert taken.value.code == "cadre_id_taken"
    with pytest.raises(OutOfScope):
        cadre_save(acting_user=county, region_code=SUIXIAN, values={"name": "外县"})
    village = make_user(Role.VILLAGE, first_village(RENHE).code)
    with pytest.raises(PermissionDenied):
        cadre_save(
            acting_user=village, region_code=first_village(RENHE).code, values={"name": "村"}
        )


def test_pairing_a_paired_household_ends_the_old_pairing_and_keeps_the_registry_in_step(make_user):
    user = make_user(Role.TOWNSHIP, RENHE)
    village = first_village(RENHE)
    home = household(village)
    first, second = helper(), helper()
    one = pairing_start(
        acting_user=user, household=home, helper=first, started_on=datetime.date(2018, 1, 5)
    )
    home.refresh_from_db()
    assert home.helper_id == first.pk and one.ended_on is None
    two = pairing_start(
        acting_user=user, household=home, helper=second, started_on=datetime.date(2018, 6, 1)
    )
    one.refresh_from_db()
    home.refresh_from_db()
    assert one.ended_on == datetime.date(2018, 6, 1)
    assert one.ended_reason == PairingEndReason.REPLACED
    assert home.helper_id == second.pk and two.ended_on is None
    assert one.history.count() == 2  # created, ended
    assert Pairing.objects.filter(household=home, ended_on__isnull=True).count() == 1
    # The same helper again changes nothing.
    assert pairing_start(acting_user=user, household=home, helper=second, started_on=None) == two
    pairing_end(
        acting_user=user, pairing=two, ended_on=timezone.localdate(), reason=PairingEndReason.EXITED
    )
    home.refresh_from_db()
    assert home.helper_id is None


def test_pairing_refuses_another_county_and_outside_users(make_user):
    user = make_user(Role.COUNTY_OFFICE, MINQUAN)
    home = household(first_village(RENHE))
    with pytest.raises(TuopinError) as other:
        pairing_start(acting_user=user, household=home, helper=helper(SUIXIAN), started_on=None)
    assert other.value.code == "pairing_other_county"
    stranger = make_user(Role.COUNTY_OFFICE, SUIXIAN)
    with pytest.raises(OutOfScope):
        pairing_start(acting_user=stranger, household=home, helper=helper(), started_on=None)
    with pytest.raises(TuopinError):
        pairing_start(
            acting_user=user,
            household=home,
            helper=helper(),
            started_on=timezone.localdate() + datetime.timedelta(days=1),
        )


def test_pairings_sync_follows_the_registry_column_set_based(django_assert_max_num_queries):
    village = first_village(RENHE)
    a, b = helper(), helper()
    homes = [household(village, helper=a) for _ in range(5)]
    lonely = household(village)
    far = household(other_county_village(SUIXIAN), helper=helper(SUIXIAN))
    assert pairings_sync("411421") == (0, 5)
    assert (
        Pairing.objects.filter(ended_on__isnull=True, region_code__startswith="411421").count() == 5
    )
    assert all(p.started_on is None for p in Pairing.objects.all())  # never a made-up date
    assert not Pairing.objects.filter(household=lonely).exists()
    assert not Pairing.objects.filter(household=far).exists()  # outside the prefix
    # The registry import changes one helper and clears another.
    Household.objects.filter(pk=homes[0].pk).update(helper=b)
    Household.objects.filter(pk=homes[1].pk).update(helper=None)
    with django_assert_max_num_queries(12):
        assert pairings_sync("411421") == (2, 1)
    ended = Pairing.objects.get(household=homes[0], helper=a)
    assert ended.ended_on == timezone.localdate()
    assert ended.ended_reason == PairingEndReason.REGISTRY
    assert Pairing.objects.get(household=homes[0], ended_on__isnull=True).helper_id == b.pk
    assert not Pairing.objects.filter(household=homes[1], ended_on__isnull=True).exists()
    # Nothing changed: nothing written.
    assert pairings_sync("411421") == (0, 0)


def test_the_pairings_follow_a_registry_change_without_any_page_read(make_user):
    """The registry calls its followers after a write (registry.changes); the people app
    follows with pairings_sync, so reading a page or the API never has to write."""
    from tuopin.registry.services import helper_assign

    home = household(first_village(RENHE))
    assert not Pairing.objects.filter(household=home).exists()
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    cadre = helper_assign(acting_user=county, household=home, name="周帮扶", phone="13800000000")
    pairing = Pairing.objects.get(household=home, ended_on__isnull=True)
    assert pairing.helper == cadre and pairing.started_on is None  # start unknown
