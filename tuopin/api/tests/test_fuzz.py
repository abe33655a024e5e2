import json
import tomllib

from conftest import MINQUAN, RENHE, SUIXIAN, first_village
from tuopin.accounts.roles import Role
from tuopin.api.fuzz import fuzz_config, run_summary
from tuopin.registry.services import household_register
from tuopin.registry.tests.factories import family


def test_the_fuzz_config_binds_parameters_to_rows_the_user_can_see(make_user):
    county = make_user(Role.COUNTY_OFFICE, MINQUAN, username="minquan")
    make_user(Role.COUNTY_OFFICE, SUIXIAN, username="suixian")
    village = first_village(RENHE).code
    household = household_register(
        acting_user=county, village_code=village, number="1", attributes={}, members=family()
    )
    config = tomllib.loads(fuzz_config("minquan"))
    assert config["dictionaries"]["households"]["values"] == [household.pk]
    assert config["dictionaries"]["villages"]["values"] == [village]
    assert len(config["dictionaries"]["members"]["values"]) == 4
    assert config["parameters"]["path.household_id"]["dictionary"] == "households"
    elsewhere = tomllib.loads(fuzz_config("suixian"))
    assert "households" not in elsewhere.get("dictionaries", {})
    assert all(code.startswith("411422") for code in elsewhere["dictionaries"]["regions"]["values"])


def test_the_summary_counts_calls_by_status():
    events = [
        {
            "ScenarioFinished": {
                "recorder": {"interactions": {"a": {"response": {"status_code": 200}}}}
            }
        },
        {
            "ScenarioFinished": {
                "recorder": {
                    "interactions": {
                        "b": {"response": {"status_code": 400}},
                        "c": {"response": None},
                    }
                }
            }
        },
        {"PhaseStarted": {}},
    ]
    calls, statuses = run_summary(json.dumps(event) for event in events)
    assert calls == 3 and statuses == {200: 1, 400: 1, "no answer": 1}
