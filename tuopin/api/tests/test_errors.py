"""Bad requests answer 4xx in the one error body, never 500, and the OpenAPI document lists
every status an operation answers."""

import json

import pytest
from django.test import Client

from conftest import MINQUAN, RENHE, first_village
from tuopin.accounts.roles import Role
from tuopin.accounts.services import api_token_issue
from tuopin.api.main import api
from tuopin.cases.models import Case
from tuopin.core.models import Job
from tuopin.registry.models import Household

ERROR_KEYS = {"code", "message", "message_zh", "message_en"}


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def village_user(make_user):
    client = Client()
    client.force_login(make_user(Role.VILLAGE, first_village(RENHE).code))
    return client


def assert_refused(response, status=400, field=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) >= ERROR_KEYS, body
    # English, though it may quote the (Chinese) value it refused.
    assert body["message_zh"] and body["message_en"].split(":")[0].isascii()
    if field is not None:
        assert field in {p["field"] for p in body["problems"]}, body
    return body


def test_an_unknown_case_kind_is_a_400_naming_the_field(village_user):
    village = first_village(RENHE).code
    body = assert_refused(
        post(
            village_user, "/api/v1/cases", {"kind": "no_such", "year": 2019, "region_code": village}
        ),
        field="kind",
    )
    assert "不是允许的取值" in body["message_zh"] and "kind" in body["message_en"]
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"kind": "exit", "year": 99999}, "year"),
        ({"kind": "exit", "year": 2019, "household_id": 2**70}, "household_id"),
        ({"kind": "exit", "year": 2019, "region_code": "民权"}, "region_code"),
        ({"kind": "exit", "year": 2019, "reason": "长" * 301}, "reason"),
        ({"kind": "member_change", "year": 2019, "payload": {"event": "flying"}}, "payload.event"),
        (
            {"kind": "member_change", "year": 2019, "payload": {"date": "0001-01-01"}},
            "payload.date",
        ),
        ({"kind": "identification", "year": 2019, "payload": {"members": []}}, "payload.members"),
    ],
)
def test_case_input_is_checked_against_its_schema(village_user, body, field):
    assert_refused(post(village_user, "/api/v1/cases", body), field=field)


def test_an_unknown_action_is_a_400(village_user):
    assert_refused(post(village_user, "/api/v1/cases/1/actions", {"action": "fly"}), field="action")


@pytest.mark.parametrize(
    "url, field",
    [
        ("/api/v1/cases?kind=nope", "kind"),
        ("/api/v1/cases?status=nope", "status"),
        ("/api/v1/cases?region=abc", "region"),
        ("/api/v1/cases?after=0", "after"),
        ("/api/v1/households?status=9", "status"),
        ("/api/v1/members?status=x", "status"),
        ("/api/v1/regions?level=planet", "level"),
        ("/api/v1/regions?limit=0", "limit"),
        ("/api/v1/regions/4114", "code"),
        ("/api/v1/jobs/0", "job_id"),
        (f"/api/v1/households/{2**64}", "household_id"),
        ("/api/v1/audit/access-log?date_from=0001-01-01", "date_from"),
        ("/api/v1/audit/access-log?kind=nope", "kind"),
    ],
)
def test_filters_and_path_values_are_checked(make_user, url, field):
    client = Client()
    client.force_login(make_user(Role.COUNTY_OFFICE, MINQUAN))
    assert_refused(client.get(url), field=field)


def test_an_empty_filter_means_no_filter(make_user):
    client = Client()
    client.force_login(make_user(Role.COUNTY_OFFICE, MINQUAN))
    for url in (
        "/api/v1/cases?kind=&status=",
        "/api/v1/households?status=",
        "/api/v1/regions?level=",
    ):
        assert client.get(url).status_code == 200, url


def test_member_and_household_input_is_bounded(make_user):
    client = Client()
    client.force_login(make_user(Role.COUNTY_OFFICE, MINQUAN))
    village = first_village(RENHE).code
    refused = post(
        client,
        "/api/v1/households",
        {"village_code": village, "number": "1", "other_causes": ["77"], "members": []},
    )
    body = assert_refused(refused)
    assert {"other_causes.0", "members"} <= {p["field"] for p in body["problems"]}
    assert not Household.objects.exists()
    event = post(client, "/api/v1/members/1/events", {"kind": "flying", "date": "2019-01-01"})
    assert_refused(event, field="kind")


def test_a_job_for_a_garbage_region_is_a_400(make_user):
    client = Client()
    client.force_login(make_user(Role.COUNTY_OFFICE, MINQUAN))
    response = post(client, "/api/v1/jobs", {"kind": "regions.export", "region_code": "x"})
    assert_refused(response, field="region_code")
    assert not Job.objects.exists()


# ------------------------------------------------------------------ CSRF


def test_a_session_post_without_the_csrf_token_is_refused_in_the_api_format(make_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(Role.COUNTY_OFFICE, MINQUAN))
    body = {"kind": "regions.export", "region_code": RENHE}
    refused = post(client, "/api/v1/jobs", body)
    assert refused.status_code == 403 and refused["Content-Type"].startswith("application/json")
    error = refused.json()
    assert error["code"] == "csrf_failed" and "CSRF" in error["message_zh"]
    assert set(error) >= ERROR_KEYS
    assert not Job.objects.exists()
    # With the token, as a browser page sends it, the same call goes through.
    token = "csrfsecretofthebrowserpage12345a"  # a page's token: 32 letters and digits
    client.cookies["csrftoken"] = token
    accepted = client.post(
        "/api/v1/jobs", json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert accepted.status_code == 201, accepted.content


def test_a_token_client_needs_no_csrf_token_and_an_anonymous_post_is_a_401(make_user):
    user = make_user(Role.COUNTY_OFFICE, MINQUAN)
    _, key = api_token_issue(acting_user=user, user=user, name="x")
    machine = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {key}"})
    body = {"kind": "regions.export", "region_code": RENHE}
    assert post(machine, "/api/v1/jobs", body).status_code == 201
    anonymous = post(Client(enforce_csrf_checks=True), "/api/v1/jobs", body)
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "unauthenticated"


# ------------------------------------------------------------------ the document


def test_every_operation_documents_its_error_statuses_with_the_error_body():
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert {"400", "401", "403", "404"} <= {str(code) for code in responses}, path
            for code, response in responses.items():
                if int(code) >= 400:
                    schema = response["content"]["application/json"]["schema"]
                    assert schema["$ref"].endswith("/ErrorOut"), (method, path, code)
            if method == "patch":
                assert 409 in responses or "409" in responses, path
    error = document["components"]["schemas"]["ErrorOut"]["properties"]
    assert {"code", "message_zh", "message_en", "problems"} <= set(error)


@pytest.fixture
def county_household(make_user):
    """(a county officer's logged-in client, a household of four registered by them)."""
    from tuopin.registry.services import household_register
    from tuopin.registry.tests.factories import family

    user = make_user(Role.COUNTY_OFFICE, MINQUAN)
    household = household_register(
        acting_user=user,
        village_code=first_village(RENHE).code,
        number="1",
        attributes={},
        members=family(),
    )
    client = Client()
    client.force_login(user)
    return client, household


def test_a_stale_member_edit_is_a_documented_409(county_household):
    from tuopin.registry.models import Member

    client, household = county_household
    member = Member.objects.filter(household=household).first()
    url = f"/api/v1/members/{member.pk}"
    ok = client.patch(
        url, json.dumps({"version": member.version, "work_months": 3}), "application/json"
    )
    assert ok.status_code == 200
    stale = client.patch(
        url, json.dumps({"version": member.version, "work_months": 4}), "application/json"
    )
    assert assert_refused(stale, status=409)["code"] == "stale_edit"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"identified_year": 10**20}, "identified_year"),
        ({"farmland_mu": "12345678901.5"}, "farmland_mu"),
        ({"main_cause": "77"}, "main_cause"),
        ({"water_safe": "perhaps"}, "water_safe"),
        ({"phone": "1" * 31}, "phone"),
    ],
)
def test_household_fields_are_typed_as_their_columns(make_user, change, field):
    client = Client()
    client.force_login(make_user(Role.COUNTY_OFFICE, MINQUAN))
    body = {"village_code": first_village(RENHE).code, "number": "1", "members": [{}], **change}
    assert_refused(post(client, "/api/v1/households", body), field=field)
    assert not Household.objects.exists()


def test_code_lists_are_enums_in_the_document_for_input_only():
    schemas = api.get_openapi_schema(path_prefix="/api/v1/")["components"]["schemas"]
    cause = schemas["HouseholdInput"]["properties"]["main_cause"]
    assert "01" in cause["enum"] and "" in cause["enum"]
    assert "02" in schemas["MemberInput"]["properties"]["relation"]["enum"]
    # A nullable column takes null: a fact may be unknown.
    water = schemas["HouseholdInput"]["properties"]["water_safe"]["anyOf"]
    assert {"type": "null"} in water
    # An answer keeps a stored code even if the list changed since: no enum on output.
    assert "enum" not in json.dumps(schemas["HouseholdOut"]["properties"]["main_cause"])


def test_an_error_quoting_a_personal_number_masks_it(make_user):
    client = Client()
    client.force_login(make_user(Role.COUNTY_OFFICE, MINQUAN))
    refused = post(client, "/api/v1/jobs", {"kind": "regions.export", "region_code": "13812345678"})
    body = assert_refused(refused, field="region_code")
    assert "“138****5678”" in body["message_zh"] and "13812345678" not in refused.content.decode()


def test_an_explicit_null_for_a_not_null_column_is_a_400_not_a_crash(county_household):
    """Found by make fuzz as the county user: "sex": null reached the database (500)."""
    from tuopin.registry.models import Member

    client, household = county_household
    newborn = {"name": "王小宝", "sex": None, "birth_date": "2019-01-01", "relation": "20"}
    refused = post(client, f"/api/v1/households/{household.pk}/members", newborn)
    assert_refused(refused, field="sex")
    assert Member.objects.filter(household=household).count() == 4
    patch = client.patch(
        f"/api/v1/households/{household.pk}",
        json.dumps({"version": household.version, "phone": None, "water_safe": None}),
        "application/json",
    )
    # A yes/no fact may be unknown (NULL); a phone is a text, empty or not.
    body = assert_refused(patch, field="phone")
    assert {p["field"] for p in body["problems"]} == {"phone"}


def test_a_fault_of_ours_answers_500_in_the_error_body_without_a_traceback(make_user, monkeypatch):
    """The one place a stand-in is used: a fault cannot be provoked through valid input."""
    from tuopin.api import routes

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals 411421196805010011")

    monkeypatch.setattr(routes, "user_assignments", broken)
    client = Client(raise_request_exception=False)
    client.force_login(make_user(Role.COUNTY_OFFICE, MINQUAN))
    response = client.get("/api/v1/me")
    assert response.status_code == 500
    body = response.json()
    assert body["code"] == "server_error" and "服务器内部错误" in body["message_zh"]
    assert "secret" not in response.content.decode() and "Traceback" not in body["message_en"]
