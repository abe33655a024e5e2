import json

import pytest
from django.test import Client
from openapi_spec_validator import validate

from conftest import MINQUAN, RENHE, SUIXIAN
from tuopin.accounts.roles import Role
from tuopin.accounts.services import api_token_issue, api_token_revoke
from tuopin.audit.models import AccessKind, AccessLog
from tuopin.core.models import Job


def test_openapi_document_is_valid_openapi_3(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    validate(document)
    assert {"/api/v1/regions/{code}/children", "/api/v1/regions", "/api/v1/jobs"} <= set(
        document["paths"]
    )
    assert {"ApiTokenAuth", "SessionAuth"} <= set(document["components"]["securitySchemes"])


def test_docs_page_is_served_locally(db):
    page = Client().get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page


def test_anonymous_callers_are_refused(db):
    assert Client().get("/api/v1/regions").status_code == 401


def test_a_machine_client_with_a_token_sees_its_county_only(make_user):
    user = make_user(Role.SECTOR, MINQUAN)
    _, key = api_token_issue(acting_user=user, user=user, name="教育局")
    client = Client(headers={"Authorization": f"Bearer {key}"})
    children = client.get(f"/api/v1/regions/{MINQUAN}/children").json()
    assert len(children) > 5
    assert all(child["parent_code"] == MINQUAN for child in children)
    assert client.get(f"/api/v1/regions/{SUIXIAN}").status_code == 404
    found = client.get("/api/v1/regions", {"q": "人和"}).json()
    assert [region["code"] for region in found] == [RENHE]
    assert client.get("/api/v1/regions", {"q": "411422"}).json() == []
    assert client.get("/api/v1/me").json()["assignments"][0]["region_code"] == MINQUAN


def test_a_revoked_or_wrong_token_is_refused(make_user):
    user = make_user(Role.SECTOR, MINQUAN)
    token, key = api_token_issue(acting_user=user, user=user, name="x")
    api_token_revoke(acting_user=user, token=token)
    assert Client(headers={"Authorization": f"Bearer {key}"}).get("/api/v1/me").status_code == 401
    bad = Client(headers={"Authorization": "Bearer tp_wrong"})
    assert bad.get("/api/v1/me").status_code == 401


def test_out_of_scope_reads_are_404_and_logged_as_denied(make_user):
    user = make_user(Role.COUNTY_OFFICE, MINQUAN)
    client = Client()
    client.force_login(user)
    response = client.get(f"/api/v1/regions/{SUIXIAN}/children")
    assert response.status_code == 404
    body = response.json()
    assert body["message_zh"] == "未找到" and body["message_en"] == "not found"
    denied = AccessLog.objects.get(kind=AccessKind.DENIED)
    assert denied.object_id == SUIXIAN and denied.username == user.username


def test_jobs_are_submitted_and_read_through_the_api(make_user):
    user = make_user(Role.COUNTY_OFFICE, MINQUAN)
    client = Client()
    client.force_login(user)
    created = client.post(
        "/api/v1/jobs",
        json.dumps({"kind": "regions.export", "region_code": RENHE}),
        content_type="application/json",
    )
    assert created.status_code == 201
    job = created.json()
    assert job["status"] == "queued" and job["owner"] == user.username
    assert client.get(f"/api/v1/jobs/{job['id']}").json()["region_code"] == RENHE
    unknown = client.post(
        "/api/v1/jobs",
        json.dumps({"kind": "no.such", "region_code": RENHE}),
        content_type="application/json",
    )
    assert unknown.status_code == 400 and unknown.json()["problems"][0]["field"] == "kind"
    assert Job.objects.count() == 1


@pytest.mark.parametrize("role", [Role.VILLAGE, Role.HOTLINE])
def test_roles_without_audit_permission_cannot_read_the_log(make_user, role):
    region = "411421101201" if role == Role.VILLAGE else "411400000000"
    client = Client()
    client.force_login(make_user(role, region))
    assert client.get("/api/v1/audit/access-log").status_code == 403
