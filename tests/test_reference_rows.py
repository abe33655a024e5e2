"""The rows every test starts from (divisions, shipped policy, case routes) are there
again, exactly, after a transactional test has flushed the database (conftest.py)."""

import pytest

import conftest
from tuopin.cases.models import Route
from tuopin.policy.models import PolicyVersion
from tuopin.regions.models import Region

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_transactional_test_ends_with_a_flush(shangqiu):
    Region.objects.filter(code=conftest.RENHE).update(name="改过的名字")
    assert Region.objects.get(code=conftest.RENHE).name == "改过的名字"


def test_the_next_test_starts_from_the_same_rows(shangqiu):
    assert conftest._REFERENCE_ROWS, "the setup remembered no rows"
    remembered = {model: values for model, values in conftest._REFERENCE_ROWS}
    assert {Region, Region.history.model, PolicyVersion, Route} <= set(remembered)
    for model, values in remembered.items():
        fields = list(values[0])
        assert list(model._base_manager.order_by("pk").values(*fields)) == values, model
    assert Region.objects.get(code=conftest.RENHE).name == "人和镇"
    assert PolicyVersion.objects.filter(code="henan-2018", status="published").exists()
