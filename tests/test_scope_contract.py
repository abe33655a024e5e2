"""The scope contract: every URL pattern and API route, walked as a village and a county user.

Each route must have a probe below. A probe proves the route works inside the
user's region and refuses (404/403, nothing changed) or hides everything outside
it. Adding a route without a probe fails `test_every_route_has_a_scope_probe`.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from conftest import MINQUAN, RENHE, SUIXIAN, copy_module_media, rows_for_a_module
from tuopin.accounts.models import ApiToken
from tuopin.accounts.roles import Role
from tuopin.accounts.services import api_token_issue, user_create
from tuopin.audit.models import AccessKind, AccessLog
from tuopin.core.models import Job, JobStatus
from tuopin.core.services import job_enqueue
from tuopin.regions.models import Region
from tuopin.registry.models import Household
from tuopin.registry.services import household_register
from tuopin.registry.tests.factories import family

CODE_RE = re.compile(r"(?<!\d)\d{12}(?!\d)")
REFUSED = {403, 404}


def all_routes():
    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), namespace + (pattern.name or "")

    return sorted(set(walk(get_resolver().url_patterns)))


@dataclass
class Scene:
    client: Client
    user: object
    own: Region
    foreign: list[Region]
    own_job: Job
    foreign_job: Job
    foreign_token: ApiToken
    stranger: object
    colleague: object
    own_household: Household
    foreign_household: Household

    def allowed_codes(self) -> set[str]:
        ancestors = {self.own.code[:n].ljust(12, "0") for n in (4, 6, 9)}
        return ancestors

    def assert_only_own_codes(self, response):
        body = response.content.decode("utf-8", "replace")
        own_prefix = self.own.prefix
        strangers = {
            code
            for code in CODE_RE.findall(body)
            if not code.startswith(own_prefix) and code not in self.allowed_codes()
        }
        assert not strangers, f"{response.request['PATH_INFO']} shows codes outside: {strangers}"


def _get(scene, name, **kwargs):
    return scene.client.get(reverse(name, kwargs=kwargs or None))


def page(name, *, needs=None):
    """A page without parameters: shows nothing from outside (or is refused for lack of role)."""

    def probe(scene):
        response = _get(scene, name)
        assert response.status_code in {200, 302, 403}, response.status_code
        scene.assert_only_own_codes(response)

    return probe


def region_object(name):
    def probe(scene):
        assert _get(scene, name, code=scene.own.code).status_code == 200
        for region in scene.foreign:
            assert _get(scene, name, code=region.code).status_code in REFUSED, region.code
        assert _get(scene, name, code="999999999999").status_code == 404

    return probe


def region_edit(scene):
    """Only office roles may edit, and only inside their regions; a refusal changes nothing."""
    own = _get(scene, "web:region_edit", code=scene.own.code).status_code
    assert own in {200, 403}
    for region in scene.foreign:
        url = reverse("web:region_edit", kwargs={"code": region.code})
        assert scene.client.get(url).status_code in REFUSED
        before = Region.objects.get(code=region.code).registered_population
        scene.client.post(url, {"registered_population": "1234"})
        assert Region.objects.get(code=region.code).registered_population == before


def job_object(name):
    def probe(scene):
        assert _get(scene, name, job_id=scene.own_job.pk).status_code == 200
        assert _get(scene, name, job_id=scene.foreign_job.pk).status_code in REFUSED

    return probe


def job_create_web(scene):
    before = Job.objects.count()
    for region in scene.foreign:
        response = scene.client.post(
            reverse("web:job_create"), {"kind": "regions.export", "region": region.code}
        )
        assert response.status_code in REFUSED
    assert Job.objects.count() == before


def job_create_api(scene):
    before = Job.objects.count()
    for region in scene.foreign:
        response = scene.client.post(
            reverse("api-1.0.0:job_create"),
            {"kind": "regions.export", "region_code": region.code},
            content_type="application/json",
        )
        assert response.status_code in REFUSED
    assert Job.objects.count() == before


def token_revoke(scene):
    url = reverse("accounts:token_revoke", kwargs={"token_id": scene.foreign_token.pk})
    scene.client.post(url)
    scene.foreign_token.refresh_from_db()
    assert scene.foreign_token.revoked_at is None


def user_object(scene):
    own = scene.client.get(reverse("accounts:user", kwargs={"user_id": scene.colleague.pk}))
    assert own.status_code in {200, 403}
    foreign = scene.client.get(reverse("accounts:user", kwargs={"user_id": scene.stranger.pk}))
    assert foreign.status_code in REFUSED


def user_new(scene):
    from django.contrib.auth import get_user_model

    before = get_user_model().objects.count()
    for region in scene.foreign:
        scene.client.post(
            reverse("accounts:user_new"),
            {
                "username": f"intruder{region.code}",
                "password": "Shangqiu#2018",
                "role": Role.VILLAGE,
                "region": region.code,
            },
        )
    assert get_user_model().objects.count() == before


def user_active(scene):
    scene.client.post(
        reverse("accounts:user_active", kwargs={"user_id": scene.stranger.pk}), {"active": "0"}
    )
    scene.stranger.refresh_from_db()
    assert scene.stranger.is_active


def assignment_remove(scene):
    assignment = scene.stranger.assignments.get()
    scene.client.post(
        reverse("accounts:assignment_remove", kwargs={"assignment_id": assignment.pk})
    )
    assert scene.stranger.assignments.filter(pk=assignment.pk).exists()


def household_list(scene):
    response = scene.client.get(reverse("registry:households"))
    assert response.status_code == 200
    body = response.content.decode()
    assert scene.own_household.number in body and scene.foreign_household.number not in body
    scene.assert_only_own_codes(response)
    search = scene.client.get(
        reverse("registry:households"), {"q": scene.foreign_household.members.first().id_number}
    )
    assert scene.foreign_household.number not in search.content.decode()


def registry_import(scene):
    from django.core.files.uploadedfile import SimpleUploadedFile

    assert scene.client.get(reverse("registry:import")).status_code in {200, 403}
    before = Job.objects.count()
    for region in scene.foreign:
        scene.client.post(
            reverse("registry:import"),
            {"file": SimpleUploadedFile("x.csv", "户编号,姓名\n".encode()), "region": region.code},
        )
    assert Job.objects.count() == before


def ledger_import_web(scene):
    """The upload page is the user's own ledgers' only; no upload to a foreign region."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("assistance:import", args=["student"])
    assert scene.client.get(url).status_code in {200, 403, 404}
    before = Job.objects.count()
    for region in scene.foreign:
        scene.client.post(
            url,
            {
                "file": SimpleUploadedFile("x.csv", "身份证号,学段\n".encode()),
                "region": region.code,
            },
        )
    assert Job.objects.count() == before


def ledger_import_result(scene):
    """A ledger import job of another county: its result page is not found."""
    params = {"kind": "student", "upload": f"uploads/{'0' * 32}.csv", "name": "x.csv"}
    foreign = job_enqueue(
        acting_user=scene.stranger,
        kind="assistance.ledger_import",
        region_code=scene.foreign[0].code,
        params=params,
    )
    foreign.status, foreign.result = JobStatus.SUCCEEDED, {"rows": 1, "created": 1}
    foreign.save(update_fields=["status", "result"])
    url = reverse("assistance:import_result", args=[foreign.pk])
    assert scene.client.get(url).status_code in REFUSED


def household_edit(scene):
    own = scene.client.get(reverse("registry:household_edit", args=[scene.own_household.pk]))
    assert own.status_code in {200, 403}
    foreign = scene.foreign_household
    url = reverse("registry:household_edit", args=[foreign.pk])
    assert scene.client.get(url).status_code == 404
    scene.client.post(url, {"version": foreign.version, "phone": "110"})
    foreign.refresh_from_db()
    assert foreign.phone != "110"


def member_event_web(scene):
    foreign = scene.foreign_household
    member = foreign.members.first()
    response = scene.client.post(
        reverse("registry:member_event", args=[foreign.pk]),
        {"member": member.pk, "kind": "death", "date": "2018-01-01"},
    )
    assert response.status_code == 404
    member.refresh_from_db()
    assert member.status == "1"


def member_new_web(scene):
    own = scene.client.get(reverse("registry:member_new", args=[scene.own_household.pk]))
    assert own.status_code in {200, 403}
    foreign = scene.foreign_household
    before = foreign.members.count()
    url = reverse("registry:member_new", args=[foreign.pk])
    assert scene.client.get(url).status_code == 404
    scene.client.post(
        url, {"event": "birth", "event_date": "2018-01-01", "name": "外人", "relation": "20"}
    )
    assert foreign.members.count() == before


def member_edit_web(scene):
    own = scene.own_household.members.first()
    response = scene.client.get(reverse("registry:member_edit", args=[own.pk]))
    assert response.status_code in {200, 403}
    member = scene.foreign_household.members.first()
    url = reverse("registry:member_edit", args=[member.pk])
    assert scene.client.get(url).status_code == 404
    scene.client.post(url, {"version": member.version, "name": "改名"})
    member.refresh_from_db()
    assert member.name != "改名"


def _xlsx_rows(data: bytes) -> str:
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
    return " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)


def quality_page(name, **kwargs):
    """The scorecard and its drill-downs: own households only; a foreign region is a 404."""

    def probe(scene):
        url = reverse(name, kwargs=kwargs or None)
        response = scene.client.get(url)
        assert response.status_code in {200, 403}
        if response.streaming:  # the xlsx download: read the workbook back
            rows = _xlsx_rows(b"".join(response.streaming_content))
            assert scene.own_household.number in rows
            assert scene.foreign_household.number not in rows
        else:
            assert scene.foreign_household.number not in response.content.decode()
            scene.assert_only_own_codes(response)
        for region in scene.foreign:
            assert scene.client.get(url, {"region": region.code}).status_code in REFUSED

    return probe


def household_object(scene):
    url = "registry:household"
    assert scene.client.get(reverse(url, args=[scene.own_household.pk])).status_code == 200
    foreign = scene.client.get(reverse(url, args=[scene.foreign_household.pk]))
    assert foreign.status_code == 404
    assert scene.foreign_household.number not in foreign.content.decode()


def member_reveal(scene):
    own = scene.own_household.members.first()
    foreign = scene.foreign_household.members.first()
    response = scene.client.post(reverse("registry:member_reveal", args=[own.pk]))
    assert response.status_code in {200, 403}
    refused = scene.client.post(reverse("registry:member_reveal", args=[foreign.pk]))
    assert refused.status_code == 404 and foreign.id_number not in refused.content.decode()


def household_contact_reveal(scene):
    name = "registry:household_contact_reveal"
    for field in ("phone", "bank_account"):
        own = scene.client.post(reverse(name, args=[scene.own_household.pk, field]))
        assert own.status_code in {200, 403}
        refused = scene.client.post(reverse(name, args=[scene.foreign_household.pk, field]))
        assert refused.status_code == 404 and PHONE not in refused.content.decode()


def _json(scene, method, url, body):
    import json

    return getattr(scene.client, method)(url, json.dumps(body), content_type="application/json")


def api_household_list(scene):
    response = scene.client.get("/api/v1/households")
    assert response.status_code == 200
    numbers = [row["number"] for row in response.json()["items"]]
    assert scene.own_household.number in numbers and scene.foreign_household.number not in numbers
    scene.assert_only_own_codes(response)


def api_household_object(scene):
    own = scene.client.get(f"/api/v1/households/{scene.own_household.pk}")
    assert own.status_code == 200
    assert scene.client.get(f"/api/v1/households/{scene.foreign_household.pk}").status_code == 404


def api_household_create(scene):
    before = Household.objects.count()
    for region in scene.foreign:
        _json(
            scene,
            "post",
            "/api/v1/households",
            {"village_code": region.code, "number": "X-1", "members": []},
        )
    assert Household.objects.count() == before


def api_household_patch(scene):
    foreign = scene.foreign_household
    response = _json(
        scene,
        "patch",
        f"/api/v1/households/{foreign.pk}",
        {"version": foreign.version, "phone": "110"},
    )
    assert response.status_code in REFUSED
    foreign.refresh_from_db()
    assert foreign.phone != "110"


def api_member_create(scene):
    foreign = scene.foreign_household
    before = foreign.members.count()
    response = _json(
        scene,
        "post",
        f"/api/v1/households/{foreign.pk}/members",
        {"name": "外人", "relation": "20"},
    )
    assert response.status_code in REFUSED and foreign.members.count() == before


def api_member_list(scene):
    response = scene.client.get("/api/v1/members")
    assert response.status_code == 200
    households = {row["household_number"] for row in response.json()["items"]}
    assert scene.foreign_household.number not in households
    scene.assert_only_own_codes(response)
    for region in scene.foreign:
        listed = scene.client.get("/api/v1/members", {"region": region.code}).json()["items"]
        assert listed == []


def api_member_object(scene):
    own = scene.own_household.members.first()
    assert scene.client.get(f"/api/v1/members/{own.pk}").status_code == 200
    foreign = scene.foreign_household.members.first()
    refused = scene.client.get(f"/api/v1/members/{foreign.pk}")
    assert refused.status_code == 404 and foreign.name not in refused.content.decode()


def api_member_patch(scene):
    member = scene.foreign_household.members.first()
    response = _json(
        scene, "patch", f"/api/v1/members/{member.pk}", {"version": member.version, "name": "改名"}
    )
    assert response.status_code in REFUSED
    member.refresh_from_db()
    assert member.name != "改名"


def api_member_event(scene):
    member = scene.foreign_household.members.first()
    response = _json(
        scene,
        "post",
        f"/api/v1/members/{member.pk}/events",
        {"kind": "death", "date": "2018-01-01"},
    )
    assert response.status_code in REFUSED
    member.refresh_from_db()
    assert member.status == "1" and not member.events.exists()


def api_member_id_number(scene):
    foreign = scene.foreign_household.members.first()
    response = scene.client.get(f"/api/v1/members/{foreign.pk}/id-number")
    assert response.status_code == 404 and foreign.id_number not in response.content.decode()
    own = scene.own_household.members.first()
    assert scene.client.get(f"/api/v1/members/{own.pk}/id-number").status_code in {200, 403}


def api_member_reveal(scene):
    foreign = scene.foreign_household.members.first()
    response = scene.client.post(f"/api/v1/members/{foreign.pk}/reveal")
    assert response.status_code == 404 and foreign.id_number not in response.content.decode()
    own = scene.own_household.members.first()
    assert scene.client.post(f"/api/v1/members/{own.pk}/reveal").status_code in {200, 403}


def api_household_reveal(scene):
    foreign = scene.foreign_household
    response = _json(scene, "post", f"/api/v1/households/{foreign.pk}/reveal", {"field": "phone"})
    assert response.status_code == 404
    assert not foreign.phone or foreign.phone not in response.content.decode()
    own = scene.own_household
    reveal = _json(scene, "post", f"/api/v1/households/{own.pk}/reveal", {"field": "bank_account"})
    assert reveal.status_code in {200, 403}


def public(name):
    def probe(scene):
        response = Client().get(reverse(name))
        assert response.status_code in {200, 302, 404, 405}
        scene.assert_only_own_codes(response)

    return probe


def self_only(scene):
    """Acts only on the caller's own session or account: no region data involved."""


def admin_route(scene):
    response = scene.client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def _city_run(region_code: str = "411400000000"):
    """A henan-2018 evaluation of a region (the whole city unless told), run by the operator."""
    from tuopin.policy.models import PolicyVersion
    from tuopin.policy.runs import evaluation_run

    policy = PolicyVersion.objects.get(code="henan-2018", version=1)
    return evaluation_run(acting_user=None, policy=policy, year=2018, region_code=region_code)


def policy_change(name):
    """Revising a standard is for the city office only: these users change nothing."""

    def probe(scene):
        from tuopin.policy.models import Clause, PolicyVersion

        policy = PolicyVersion.objects.get(code="henan-2018", version=1)
        before = (PolicyVersion.objects.count(), Clause.objects.count())
        response = scene.client.post(
            reverse(name, kwargs={"policy_id": policy.pk}),
            {"level": "household", "code": "x", "title": "x", "expression": '{"value": true}'},
        )
        assert response.status_code in {302, 403}
        assert (PolicyVersion.objects.count(), Clause.objects.count()) == before

    return probe


def policy_object(scene):
    from tuopin.policy.models import PolicyVersion

    policy = PolicyVersion.objects.get(code="henan-2018", version=1)
    response = scene.client.get(reverse("policy:policy", kwargs={"policy_id": policy.pk}))
    assert response.status_code in {200, 403}
    scene.assert_only_own_codes(response)


def policy_runs(scene):
    from tuopin.policy.models import PolicyVersion

    _city_run()
    response = scene.client.get(reverse("policy:runs"))
    assert response.status_code in {200, 403}
    scene.assert_only_own_codes(response)
    policy = PolicyVersion.objects.get(code="henan-2018", version=1)
    before = Job.objects.count()
    for region in scene.foreign:
        scene.client.post(
            reverse("policy:runs"),
            {"policy": policy.pk, "level": "household", "year": 2018, "region": region.code},
        )
    assert Job.objects.count() == before


def policy_run(scene):
    run = _city_run()
    response = scene.client.get(reverse("policy:run", kwargs={"run_id": run.pk}))
    assert response.status_code == 200
    scene.assert_only_own_codes(response)
    foreign = _city_run(SUIXIAN)
    assert scene.client.get(reverse("policy:run", kwargs={"run_id": foreign.pk})).status_code == 404
    for region in scene.foreign:
        url = reverse("policy:run", kwargs={"run_id": run.pk})
        assert scene.client.get(url, {"region": region.code}).status_code in REFUSED


def policy_compare(scene):
    first, second = _city_run(), _city_run()
    url = reverse("policy:run_compare", kwargs={"run_id": second.pk, "other_id": first.pk})
    response = scene.client.get(url)
    assert response.status_code == 200
    scene.assert_only_own_codes(response)
    foreign = _city_run(SUIXIAN)
    url = reverse("policy:run_compare", kwargs={"run_id": second.pk, "other_id": foreign.pk})
    assert scene.client.get(url).status_code == 404


def policy_ledger_export(scene):
    run = _city_run()
    before = Job.objects.count()
    for region in scene.foreign:
        scene.client.post(
            reverse("policy:ledger_export", kwargs={"run_id": run.pk}),
            {"ledger": "shortfall", "region": region.code},
        )
    foreign = _city_run(SUIXIAN)
    response = scene.client.post(
        reverse("policy:ledger_export", kwargs={"run_id": foreign.pk}), {"ledger": "exit"}
    )
    assert response.status_code == 404
    assert Job.objects.count() == before


def policy_ledger_parts_export(scene):
    """The export of a ledger over several runs queues nothing for a foreign region."""
    before = Job.objects.count()
    for region in scene.foreign:
        for kind in ("shortfall", "exit", "villages"):
            url = reverse("policy:ledger_parts_export", kwargs={"kind": kind})
            response = scene.client.post(url, {"region": region.code, "year": "2018"})
            assert response.status_code in (*REFUSED, 302)
    assert Job.objects.count() == before


def policy_ledger(scene):
    run = _city_run()
    for kind in ("shortfall", "exit"):
        url = reverse("policy:ledger", kwargs={"kind": kind})
        response = scene.client.get(url, {"run": run.pk})
        assert response.status_code == 200
        assert scene.foreign_household.number not in response.content.decode()
        scene.assert_only_own_codes(response)
        for region in scene.foreign:
            assert scene.client.get(url, {"region": region.code}).status_code in REFUSED


def area_ledger(name):
    def probe(scene):
        response = scene.client.get(reverse(name))
        assert response.status_code == 200
        scene.assert_only_own_codes(response)
        for region in scene.foreign:
            assert scene.client.get(reverse(name), {"region": region.code}).status_code in REFUSED

    return probe


def county_download(scene):
    """Aggregates only, and only of the user's own counties; a foreign region is refused."""
    response = scene.client.get(reverse("policy:county_ledger_download"))
    assert response.status_code == 200
    rows = _xlsx_rows(b"".join(response.streaming_content))
    assert "睢县" not in rows
    for region in scene.foreign:
        url = reverse("policy:county_ledger_download")
        assert scene.client.get(url, {"region": region.code}).status_code in REFUSED


def policy_household_panel(scene):
    url = "policy:household_panel"
    own = scene.client.get(reverse(url, kwargs={"household_id": scene.own_household.pk}))
    assert own.status_code == 200
    foreign = scene.client.get(reverse(url, kwargs={"household_id": scene.foreign_household.pk}))
    assert foreign.status_code == 404


def indicator_object(name, level):
    def probe(scene):
        from tuopin.policy.models import CountyIndicator, VillageIndicator

        model = VillageIndicator if level == "village" else CountyIndicator
        own = _a_village_under(scene.own) if level == "village" else None
        if own is not None:
            url = reverse(name, kwargs={"code": own.code})
            assert scene.client.get(url).status_code == 200
        for region in scene.foreign:
            if region.level != level:
                continue
            url = reverse(name, kwargs={"code": region.code})
            assert scene.client.get(url).status_code in REFUSED
            scene.client.post(url, {"year": 2018, "road": "1", "approval": "99"})
            assert not model.objects.filter(**{level: region}).exists()

    return probe


def indicators_upload(scene):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tuopin.policy.models import VillageIndicator

    assert scene.client.get(reverse("policy:indicators_upload")).status_code in {200, 403}
    village = scene.foreign[0]
    content = f"行政区划代码,通硬化路\n{village.code},是\n".encode()
    scene.client.post(
        reverse("policy:indicators_upload"),
        {"file": SimpleUploadedFile("v.csv", content), "year": 2018},
    )
    assert not VillageIndicator.objects.filter(village=village).exists()


def _exit_case(household):
    """An exit case of a household, proposed by a village user of its own village."""
    from django.contrib.auth import get_user_model

    from tuopin.accounts.models import Assignment
    from tuopin.cases.services import case_propose

    user = get_user_model().objects.create_user(f"v{household.pk}", password="x")
    Assignment.objects.create(user=user, role=Role.VILLAGE, region_id=household.village_id)
    return case_propose(acting_user=user, kind="exit", year=2018, household=household)


def cases_page(name):
    def probe(scene):
        own, foreign = _exit_case(scene.own_household), _exit_case(scene.foreign_household)
        response = scene.client.get(reverse(name))
        assert response.status_code == 200
        body = response.content.decode()
        assert f">{foreign.pk}<" not in body and scene.foreign_household.number not in body
        scene.assert_only_own_codes(response)
        assert own.pk

    return probe


def case_object(name):
    def probe(scene):
        own, foreign = _exit_case(scene.own_household), _exit_case(scene.foreign_household)
        assert scene.client.get(reverse(name, kwargs={"case_id": own.pk})).status_code == 200
        assert scene.client.get(reverse(name, kwargs={"case_id": foreign.pk})).status_code == 404

    return probe


def case_act_web(scene):
    from tuopin.cases.models import Case

    foreign = _exit_case(scene.foreign_household)
    response = scene.client.post(
        reverse("cases:act", kwargs={"case_id": foreign.pk}), {"action": "consent"}
    )
    assert response.status_code == 404
    assert Case.objects.get(pk=foreign.pk).step_index == 0


def case_propose_web(scene):
    from tuopin.cases.models import Case

    assert scene.client.get(reverse("cases:propose")).status_code == 200
    response = scene.client.post(
        reverse("cases:propose"),
        {"kind": "exit", "year": 2018, "household": scene.foreign_household.pk},
    )
    assert response.status_code in REFUSED
    assert not Case.objects.filter(household=scene.foreign_household).exists()


def exit_batch_web(scene):
    before = Job.objects.count()
    for region in scene.foreign:
        scene.client.post(reverse("cases:exit_batch"), {"village": region.code, "year": 2018})
    assert Job.objects.count() == before


def batch_object(name, method="get"):
    def probe(scene):
        from tuopin.cases.models import Batch

        foreign = Batch.objects.create(
            kind="exit", region_id=scene.foreign_household.village_id, created_by=scene.stranger
        )
        before = Job.objects.count()
        response = getattr(scene.client, method)(
            reverse(name, kwargs={"batch_id": foreign.pk}), {"action": "approve"}
        )
        assert response.status_code == 404
        assert Job.objects.count() == before

    return probe


def notice_objects(scene):
    """The printable notice: own village only; the public page shows masked data only."""
    from tuopin.cases.services import case_act

    own, foreign = _exit_case(scene.own_household), _exit_case(scene.foreign_household)
    for case in (own, foreign):
        case_act(acting_user=case.proposer, case=case, action="consent")
        case.refresh_from_db()
    url = "cases:notice_print"
    assert scene.client.get(reverse(url, kwargs={"notice_id": own.notice_id})).status_code == 200
    assert (
        scene.client.get(reverse(url, kwargs={"notice_id": foreign.notice_id})).status_code == 404
    )
    public = Client().get(reverse("public:public_notice", kwargs={"notice_id": foreign.notice_id}))
    head = scene.foreign_household.members.get(relation="02")
    assert public.status_code == 200 and head.id_number not in public.content.decode()
    assert head.name not in public.content.decode()


def public_notices(scene):
    from tuopin.cases.services import case_act

    foreign = _exit_case(scene.foreign_household)
    case_act(acting_user=foreign.proposer, case=foreign, action="consent")
    response = Client().get(reverse("public:public_notices"))
    assert response.status_code == 200
    for member in scene.foreign_household.members.all():
        assert member.id_number not in response.content.decode()


def household_cases_panel(scene):
    url = "cases:household_cases"
    assert (
        scene.client.get(reverse(url, kwargs={"household_id": scene.own_household.pk})).status_code
        == 200
    )
    foreign = scene.client.get(reverse(url, kwargs={"household_id": scene.foreign_household.pk}))
    assert foreign.status_code == 404


def monitoring_page(scene):
    response = scene.client.get(reverse("cases:monitoring"))
    assert response.status_code == 200
    assert scene.foreign_household.number not in response.content.decode()
    scene.assert_only_own_codes(response)
    for region in scene.foreign:
        assert (
            scene.client.get(reverse("cases:monitoring"), {"region": region.code}).status_code
            in REFUSED
        )


def api_cases(scene):
    own, foreign = _exit_case(scene.own_household), _exit_case(scene.foreign_household)
    ids = [c["id"] for c in scene.client.get("/api/v1/cases").json()["items"]]
    assert own.pk in ids and foreign.pk not in ids


def api_case_tasks(scene):
    foreign = _exit_case(scene.foreign_household)
    ids = [c["id"] for c in scene.client.get("/api/v1/cases/tasks").json()]
    assert foreign.pk not in ids


def api_case_detail(scene):
    own, foreign = _exit_case(scene.own_household), _exit_case(scene.foreign_household)
    assert scene.client.get(f"/api/v1/cases/{own.pk}").status_code == 200
    assert scene.client.get(f"/api/v1/cases/{foreign.pk}").status_code == 404


def api_case_create(scene):
    from tuopin.cases.models import Case

    for region in scene.foreign:
        _json(
            scene,
            "post",
            "/api/v1/cases",
            {"kind": "village_exit", "year": 2018, "region_code": region.code},
        )
    _json(
        scene,
        "post",
        "/api/v1/cases",
        {"kind": "exit", "year": 2018, "household_id": scene.foreign_household.pk},
    )
    assert not Case.objects.exists()


def api_case_action(scene):
    from tuopin.cases.models import Case

    foreign = _exit_case(scene.foreign_household)
    response = _json(scene, "post", f"/api/v1/cases/{foreign.pk}/actions", {"action": "consent"})
    assert response.status_code == 404
    assert Case.objects.get(pk=foreign.pk).step_index == 0


def county_settings_web(scene):
    from tuopin.cases.models import CountySetting

    for region in scene.foreign:
        if region.level != "county":
            continue
        url = reverse("cases:county_settings", kwargs={"county_code": region.code})
        assert scene.client.get(url).status_code in REFUSED
        scene.client.post(url, {"objection_phone": "0370-1"})
        assert not CountySetting.objects.filter(county=region).exists()


def api_case_event_attachment(scene):
    from django.core.files.uploadedfile import SimpleUploadedFile

    foreign = _exit_case(scene.foreign_household)
    event = foreign.events.get()
    photo = SimpleUploadedFile("board.png", b"\x89PNG\r\n\x1a\n" + b"0" * 16)
    response = scene.client.post(
        f"/api/v1/cases/{foreign.pk}/events/{event.pk}/attachment", {"file": photo}
    )
    assert response.status_code == 404
    event.refresh_from_db()
    assert not event.attachment


def _ledger_rows(scene):
    """An employment row of the own and of the foreign household (the ledgers' scope)."""
    from tuopin.assistance.models import EmploymentRecord

    rows = []
    for household, employer in (
        (scene.own_household, "本区单位"),
        (scene.foreign_household, "外区单位"),
    ):
        member = household.members.order_by("id").first()
        rows.append(
            EmploymentRecord.objects.create(
                region_id=household.village_id,
                year=2018,
                id_number=member.id_number,
                name=member.name,
                household_number=household.number,
                household=household,
                member=member,
                status="1",
                employer=employer,
                review_status="pending",
            )
        )
    return rows


def ledger_list_web(scene):
    _ledger_rows(scene)
    url = reverse("assistance:ledger_list", kwargs={"kind": "employment"})
    response = scene.client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "本区单位" in body and "外区单位" not in body
    scene.assert_only_own_codes(response)
    for region in scene.foreign:
        assert "外区单位" not in scene.client.get(url, {"region": region.code}).content.decode()


def ledger_download_web(scene):
    _ledger_rows(scene)
    url = reverse("assistance:ledger_download", kwargs={"kind": "employment"})
    response = scene.client.get(url)
    assert response.status_code in {200, 403}
    if response.status_code == 200:
        rows = _xlsx_rows(b"".join(response.streaming_content))
        assert "本区单位" in rows and "外区单位" not in rows
    for region in scene.foreign:
        answer = scene.client.get(url, {"region": region.code})
        assert answer.status_code in REFUSED or "外区单位" not in _xlsx_rows(
            b"".join(answer.streaming_content)
        )


def ledger_entry_web(name):
    def probe(scene):
        own, foreign = _ledger_rows(scene)
        url = reverse(name, kwargs={"kind": "employment", "entry_id": own.pk})
        assert scene.client.get(url).status_code in {200, 403}
        url = reverse(name, kwargs={"kind": "employment", "entry_id": foreign.pk})
        response = scene.client.get(url)
        assert response.status_code == 404 and "外区单位" not in response.content.decode()
        scene.client.post(url, {"year": 2018, "employer": "改过", "status": "1"})
        foreign.refresh_from_db()
        assert foreign.employer == "外区单位"

    return probe


def ledger_entry_new_web(scene):
    from tuopin.assistance.models import EmploymentRecord

    url = reverse("assistance:ledger_entry_new", kwargs={"kind": "employment"})
    assert scene.client.get(url).status_code in {200, 403}
    before = EmploymentRecord.objects.count()
    member = scene.foreign_household.members.first()
    for region in scene.foreign:
        scene.client.post(url, {"year": 2019, "name": "外人", "status": "1", "region": region.code})
    scene.client.post(url, {"year": 2019, "id_number": member.id_number, "status": "1"})
    assert EmploymentRecord.objects.count() == before


def ledger_entry_reveal_web(scene):
    own, foreign = _ledger_rows(scene)
    name = "assistance:ledger_entry_reveal"
    response = scene.client.post(reverse(name, kwargs={"kind": "employment", "entry_id": own.pk}))
    assert response.status_code in {200, 403}
    refused = scene.client.post(
        reverse(name, kwargs={"kind": "employment", "entry_id": foreign.pk})
    )
    assert refused.status_code == 404 and foreign.id_number not in refused.content.decode()


def ledger_child_new_web(scene):
    """A repayment cannot be added to a loan outside the user's regions."""
    from datetime import date

    from tuopin.assistance.models import Loan, LoanRepayment

    household = scene.foreign_household
    loan = Loan.objects.create(
        region_id=household.village_id,
        year=2018,
        id_number=household.members.first().id_number,
        household=household,
        amount=50000,
        term_months=36,
        drawn_on=date(2018, 3, 1),
        due_on=date(2021, 3, 1),
        bank="外区银行",
    )
    url = reverse(
        "assistance:ledger_child_new",
        kwargs={"kind": "loan", "entry_id": loan.pk, "child": "repayments"},
    )
    body = {"repayments-date": "2019-03-01", "repayments-amount": "1000"}
    assert scene.client.post(url, body).status_code == 404
    assert not LoanRepayment.objects.exists()


def ledger_entry_review_web(scene):
    own, foreign = _ledger_rows(scene)
    url = reverse(
        "assistance:ledger_entry_review", kwargs={"kind": "employment", "entry_id": foreign.pk}
    )
    assert scene.client.post(url, {"decision": "approve"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.review_status == "pending"


def household_card(scene):
    """A registry reader is sent to the registry's page; a household outside is a 404."""
    url = "assistance:household"
    own = scene.client.get(reverse(url, kwargs={"household_id": scene.own_household.pk}))
    assert own.status_code in {200, 302}
    foreign = scene.client.get(reverse(url, kwargs={"household_id": scene.foreign_household.pk}))
    assert foreign.status_code == 404
    assert scene.foreign_household.number not in foreign.content.decode()


def household_ledgers_panel(scene):
    _ledger_rows(scene)
    url = "assistance:household_ledgers"
    own = scene.client.get(reverse(url, kwargs={"household_id": scene.own_household.pk}))
    assert own.status_code == 200 and "外区单位" not in own.content.decode()
    foreign = scene.client.get(reverse(url, kwargs={"household_id": scene.foreign_household.pk}))
    assert foreign.status_code == 404 and "外区单位" not in foreign.content.decode()


def api_ledgers(scene):
    _ledger_rows(scene)
    response = scene.client.get("/api/v1/ledgers")
    assert response.status_code == 200
    employment = {row["code"]: row for row in response.json()}["employment"]
    assert employment["rows"] == 1


def api_ledger_entries(scene):
    own, foreign = _ledger_rows(scene)
    response = scene.client.get("/api/v1/ledgers/employment/entries")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["items"]] == [own.pk]
    scene.assert_only_own_codes(response)
    for region in scene.foreign:
        answer = scene.client.get("/api/v1/ledgers/employment/entries", {"region": region.code})
        assert answer.json()["items"] == []


def api_ledger_entry(scene):
    own, foreign = _ledger_rows(scene)
    assert scene.client.get(f"/api/v1/ledgers/employment/entries/{own.pk}").status_code == 200
    refused = scene.client.get(f"/api/v1/ledgers/employment/entries/{foreign.pk}")
    assert refused.status_code == 404 and "外区单位" not in refused.content.decode()


def api_household_ledgers(scene):
    _ledger_rows(scene)
    own = scene.client.get(f"/api/v1/households/{scene.own_household.pk}/ledgers")
    assert own.status_code == 200 and [g["kind"] for g in own.json()] == ["employment"]
    foreign = scene.client.get(f"/api/v1/households/{scene.foreign_household.pk}/ledgers")
    assert foreign.status_code == 404


# Work teams (tuopin.people, part "teams") ---------------------------------------------

OWN_UNIT, FOREIGN_UNIT = "本区派出单位", "外区派出单位"


def _teams(scene):
    """A team in the user's region and one outside, each with one member (a team of
    one without a leader: a finding of two checks on both sides)."""
    from datetime import date

    from tuopin.people.models import Posting, WorkTeam
    from tuopin.registry.models import Helper

    made = []
    for village, unit in (
        (_a_village_under(scene.own), OWN_UNIT),
        (scene.foreign[0], FOREIGN_UNIT),
    ):
        team = WorkTeam.objects.create(
            village=village, sending_unit=unit, started_on=date(2017, 3, 1)
        )
        cadre = Helper.objects.create(
            region_id=village.code[:6].ljust(12, "0"), name=unit[:2] + "队员"
        )
        Posting.objects.create(team=team, cadre=cadre, role="member", started_on=date(2017, 3, 1))
        made.append(team)
    return made


def team_region_page(name, **kwargs):
    """A team page with a region: own teams only; a foreign region is refused."""

    def probe(scene):
        _teams(scene)
        url = reverse(name, kwargs=kwargs or None)
        response = scene.client.get(url)
        assert response.status_code in {200, 403}
        if response.streaming:
            rows = _xlsx_rows(b"".join(response.streaming_content))
            assert FOREIGN_UNIT not in rows
        else:
            assert FOREIGN_UNIT not in response.content.decode()
            scene.assert_only_own_codes(response)
        for region in scene.foreign:
            assert scene.client.get(url, {"region": region.code}).status_code in REFUSED

    return probe


# --- people: helpers (帮扶责任人), pairings, visits ------------------------------------


def _helper_rows(scene):
    """A cadre paired with the own household (a visit with a photo), and one of 睢县
    paired with the foreign household."""
    from django.utils import timezone

    from tuopin.people.pairing_services import pairing_start
    from tuopin.people.tests.helpers_factories import JPEG
    from tuopin.people.visits_services import PhotoData, visit_record
    from tuopin.registry.models import Helper

    rows = {}
    for side, household in (("own", scene.own_household), ("foreign", scene.foreign_household)):
        cadre = Helper.objects.create(
            region_id=household.village_id[:6].ljust(12, "0"), name=f"{side}干部"
        )
        pairing = pairing_start(
            acting_user=None, household=household, helper=cadre, started_on=None
        )
        visit, _ = visit_record(
            acting_user=None,
            household=household,
            visited_on=timezone.localdate(),
            title=f"{side}走访",
            photos=[PhotoData("p.jpg", JPEG)],
        )
        rows[side] = (cadre, pairing, visit, visit.photos.get())
    return rows


def helper_object(name):
    def probe(scene):
        rows = _helper_rows(scene)
        own = _get(scene, name, helper_id=rows["own"][0].pk)
        assert own.status_code in ({200} if name == "people:helper" else {200, 403})
        scene.assert_only_own_codes(own)
        assert _get(scene, name, helper_id=rows["foreign"][0].pk).status_code in REFUSED

    return probe


def household_helpers_object(name):
    def probe(scene):
        rows = _helper_rows(scene)
        own = _get(scene, name, household_id=scene.own_household.pk)
        assert own.status_code in ({200} if name == "people:household_helpers" else {200, 403})
        if name == "people:household_helpers":
            assert "own干部" in own.content.decode() and "foreign" not in own.content.decode()
        scene.assert_only_own_codes(own)
        assert _get(scene, name, household_id=scene.foreign_household.pk).status_code in REFUSED
        before = rows["foreign"][1].household.visits.count()
        posted = scene.client.post(
            reverse(name, kwargs={"household_id": scene.foreign_household.pk}),
            {"title": "外", "visited_on": "2018-01-01", "helper": rows["own"][0].pk},
        )
        assert posted.status_code in REFUSED
        assert rows["foreign"][1].household.visits.count() == before

    return probe


def pairing_end_web(scene):
    from tuopin.people.models import Pairing

    rows = _helper_rows(scene)
    own = _get(scene, "people:pairing_end", pairing_id=rows["own"][1].pk)
    assert own.status_code in {200, 403}
    foreign = rows["foreign"][1]
    url = reverse("people:pairing_end", kwargs={"pairing_id": foreign.pk})
    assert scene.client.get(url).status_code in REFUSED
    posted = scene.client.post(url, {"ended_on": "2018-01-01", "ended_reason": "other"})
    assert posted.status_code in REFUSED
    assert Pairing.objects.get(pk=foreign.pk).ended_on is None


def visit_object(name, index, key):
    def probe(scene):
        rows = _helper_rows(scene)
        own = _get(scene, name, **{key: rows["own"][index].pk})
        assert own.status_code == 200
        if name == "people:visit":
            scene.assert_only_own_codes(own)
        assert _get(scene, name, **{key: rows["foreign"][index].pk}).status_code in REFUSED

    return probe


def helper_coverage_page(name, **kwargs):
    def probe(scene):
        _helper_rows(scene)
        url = reverse(name, kwargs=kwargs or None)
        own = scene.client.get(url, {"region": scene.own.code})
        assert own.status_code in {200, 403}
        if not getattr(own, "streaming", False):
            scene.assert_only_own_codes(own)
        for region in scene.foreign:
            assert scene.client.get(url, {"region": region.code}).status_code in REFUSED

    return probe


def team_object(name, *, allowed=frozenset({200})):
    def probe(scene):
        own, foreign = _teams(scene)
        assert _get(scene, name, team_id=own.pk).status_code in allowed
        refused = _get(scene, name, team_id=foreign.pk)
        assert refused.status_code in REFUSED
        if not refused.streaming:
            assert FOREIGN_UNIT not in refused.content.decode()

    return probe


def team_sign_web(scene):
    from datetime import date

    from tuopin.people.models import Attendance

    _own, foreign = _teams(scene)
    posting = foreign.postings.get()
    response = scene.client.post(
        reverse("people:team_sign", kwargs={"team_id": foreign.pk}),
        {"day": date.today().isoformat(), f"status_{posting.pk}": "present"},
    )
    assert response.status_code in REFUSED
    assert not Attendance.objects.exists()


def team_new_web(scene):
    from tuopin.people.models import WorkTeam

    assert scene.client.get(reverse("people:team_new")).status_code in {200, 403}
    for region in scene.foreign:
        village = region if region.level == "village" else _a_village_under(region)
        scene.client.post(
            reverse("people:team_new"),
            {"village": village.code, "sending_unit": "外来", "started_on": "2018-01-01"},
        )
    assert not WorkTeam.objects.filter(sending_unit="外来").exists()


def posting_new_web(scene):
    _own, foreign = _teams(scene)
    url = reverse("people:posting_new", kwargs={"team_id": foreign.pk})
    assert scene.client.get(url).status_code in REFUSED
    scene.client.post(url, {"name": "外人", "role": "member", "started_on": "2018-01-01"})
    assert foreign.postings.count() == 1


def posting_end_web(scene):
    own, foreign = _teams(scene)
    posting = foreign.postings.get()
    url = reverse("people:posting_end", kwargs={"posting_id": posting.pk})
    response = scene.client.post(url, {"ended_on": "2018-06-30", "reason": "外来"})
    assert response.status_code in REFUSED
    posting.refresh_from_db()
    assert posting.ended_on is None


def teams_import_web(scene):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tuopin.people.models import Posting

    assert scene.client.get(reverse("people:teams_import")).status_code in {200, 403}
    before = Posting.objects.count()
    for region in scene.foreign:
        village = region if region.level == "village" else _a_village_under(region)
        text = f"村代码,派出单位,姓名,队内职务,进驻日期\n{village.code},外来,外人,队员,2018-01-01\n"
        scene.client.post(
            reverse("people:teams_import"),
            {"file": SimpleUploadedFile("x.csv", text.encode("utf-8"))},
        )
    assert Posting.objects.count() == before


def api_teams(scene):
    own, foreign = _teams(scene)
    answer = scene.client.get("/api/v1/teams")
    assert answer.status_code == 200
    ids = [item["id"] for item in answer.json()["items"]]
    assert own.pk in ids and foreign.pk not in ids
    for region in scene.foreign:
        answer = scene.client.get("/api/v1/teams", {"region": region.prefix})
        assert answer.json()["items"] == []


def api_team_object(suffix: str = "", query=None):
    def probe(scene):
        own, foreign = _teams(scene)
        assert scene.client.get(f"/api/v1/teams/{own.pk}{suffix}", query or {}).status_code == 200
        refused = scene.client.get(f"/api/v1/teams/{foreign.pk}{suffix}", query or {})
        assert refused.status_code == 404 and FOREIGN_UNIT not in refused.content.decode()

    return probe


# -- people: weak branches, enterprises, workshops (orgs) ----------------------------------


@dataclass
class OrgsRows:
    own_branch: object
    foreign_branch: object
    own_enterprise: object
    foreign_enterprise: object
    own_workshop: object
    foreign_workshop: object


def _orgs_rows(scene) -> OrgsRows:
    from datetime import date

    from tuopin.people.models import (
        Enterprise,
        EnterprisePairing,
        WeakBranch,
        Workshop,
        WorkshopEmployee,
    )

    own_village, foreign_village = _a_village_under(scene.own), scene.foreign[0]
    rows = []
    for village, word, code in (
        (own_village, "本地", "91411421MA3X5Q2K0L"),
        (foreign_village, "外县", "91411400MA40BN6C02"),
    ):
        branch = WeakBranch.objects.create(village=village, year=2018, reasons=f"{word}情形")
        enterprise = Enterprise.objects.create(name=f"{word}企业", credit_code=code, region=village)
        EnterprisePairing.objects.create(enterprise=enterprise, village=village, form="2")
        workshop = Workshop.objects.create(name=f"{word}车间", village=village, type="1")
        member = (scene.own_household if word == "本地" else scene.foreign_household).members
        WorkshopEmployee.objects.create(
            workshop=workshop,
            name=f"{word}工人",
            id_number=member.first().id_number,
            contract_start=date(2018, 1, 1),
        )
        rows.append((branch, enterprise, workshop))
    (ob, oe, ow), (fb, fe, fw) = rows
    return OrgsRows(ob, fb, oe, fe, ow, fw)


def orgs_list(name, own_word, foreign_word):
    """A list page: own rows only; a foreign region filter is a 404."""

    def probe(scene):
        _orgs_rows(scene)
        response = scene.client.get(reverse(name), {"year": 2018})
        assert response.status_code in {200, 403}
        body = response.content.decode()
        if response.status_code == 200:
            assert own_word in body
        assert foreign_word not in body
        scene.assert_only_own_codes(response)
        for region in scene.foreign:
            refused = scene.client.get(reverse(name), {"region": region.code})
            assert refused.status_code in REFUSED

    return probe


def orgs_object(name, attribute):
    def probe(scene):
        rows = _orgs_rows(scene)
        own, foreign = getattr(rows, f"own_{attribute}"), getattr(rows, f"foreign_{attribute}")
        assert scene.client.get(reverse(name, args=[own.pk])).status_code == 200
        refused = scene.client.get(reverse(name, args=[foreign.pk]))
        assert refused.status_code == 404 and "外县" not in refused.content.decode()

    return probe


def orgs_branch_write(name, data):
    def probe(scene):
        rows = _orgs_rows(scene)
        foreign = rows.foreign_branch
        if name == "people:branch_sign_off":
            foreign.measures = "整顿"  # a sign-off would go through, were it in scope
            foreign.save()
        response = scene.client.post(reverse(name, args=[foreign.pk]), data)
        assert response.status_code in REFUSED
        foreign.refresh_from_db()
        assert foreign.signed_off_on is None and foreign.measures in ("", "整顿")
        assert not foreign.notes.exists()
        if name == "people:branch_sign_off":
            assert foreign.measures == "整顿"

    return probe


def orgs_branch_new(scene):
    from tuopin.people.models import WeakBranch

    before = WeakBranch.objects.count()
    for region in scene.foreign:
        if region.level == "village":
            scene.client.post(
                reverse("people:branch_new"),
                {"village": region.code, "year": 2019, "reasons": "外来"},
            )
    assert WeakBranch.objects.count() == before
    assert scene.client.get(reverse("people:branch_new")).status_code in {200, 403}


def orgs_siyou(scene):
    _orgs_rows(scene)
    response = scene.client.get(reverse("people:siyou"), {"region": scene.own.code})
    assert response.status_code == 200
    scene.assert_only_own_codes(response)
    for region in scene.foreign:
        assert (
            scene.client.get(reverse("people:siyou"), {"region": region.code}).status_code
            in REFUSED
        )


def _foreign_township(scene) -> Region:
    county = next(r for r in scene.foreign if r.level == "county")
    return Region.objects.filter(level="township", code__startswith=county.prefix).first()


def people_parameters_page(scene):
    from tuopin.people.models import PeopleParameter

    own = scene.client.get(reverse("people:parameters"), {"region": scene.own.code})
    assert own.status_code == 200
    scene.assert_only_own_codes(own)
    for region in scene.foreign:
        url = reverse("people:parameters")
        assert scene.client.get(url, {"region": region.code}).status_code in REFUSED
        posted = scene.client.post(
            url, {"region": region.code, "code": "team_members_min", "value": "9"}
        )
        assert posted.status_code in REFUSED
    assert not PeopleParameter.objects.exists()


def parks_page(scene):
    from tuopin.people.models import IndustrialPark

    own = scene.client.get(reverse("people:parks"), {"region": scene.own.code})
    assert own.status_code == 200
    scene.assert_only_own_codes(own)
    township = _foreign_township(scene)
    for region in scene.foreign:
        url = reverse("people:parks")
        assert scene.client.get(url, {"region": region.code}).status_code in REFUSED
    posted = scene.client.post(
        reverse("people:parks"),
        {"region": scene.own.code, "township": township.code, "name": "外县园区"},
    )
    assert posted.status_code in REFUSED
    assert not IndustrialPark.objects.exists()


def park_delete(scene):
    from tuopin.people.models import IndustrialPark

    park = IndustrialPark.objects.create(township=_foreign_township(scene), year=2018, name="外")
    url = reverse("people:park_delete", kwargs={"park_id": park.pk})
    assert scene.client.post(url, {"region": scene.own.code}).status_code in REFUSED
    assert IndustrialPark.objects.filter(pk=park.pk).exists()


def my_households_page(scene):
    """The helper's own pages: an office user is no helper (refused); a household is
    never shown by region, only by a pairing with the user's cadre."""
    _helper_rows(scene)
    assert _get(scene, "people:my_households").status_code in {200, 403}
    for household in (scene.own_household, scene.foreign_household):
        response = _get(scene, "people:my_household", household_id=household.pk)
        assert response.status_code in REFUSED


def helper_account_web(scene):
    rows = _helper_rows(scene)
    foreign = rows["foreign"][0]
    url = reverse("people:helper_account", kwargs={"helper_id": foreign.pk})
    assert scene.client.post(url, {"username": scene.user.username}).status_code in REFUSED
    foreign.refresh_from_db()
    assert foreign.account_id is None


def orgs_download(scene):
    _orgs_rows(scene)
    for what in ("branches", "enterprises", "workshops"):
        url = reverse("people:orgs_download", args=[what])
        response = scene.client.get(url, {"year": 2018})
        assert response.status_code in {200, 403}
        if response.status_code == 200:
            rows = _xlsx_rows(b"".join(response.streaming_content))
            assert "本地" in rows and "外县" not in rows
        for region in scene.foreign:
            assert scene.client.get(url, {"region": region.code}).status_code in REFUSED
    # Poor villages without an enterprise: own only.
    Region.objects.filter(code__in=[r.code for r in scene.foreign], level="village").update(
        is_poor_village=True
    )
    url = reverse("people:orgs_download", args=["unpaired"])
    response = scene.client.get(url)
    if response.status_code == 200:
        rows = _xlsx_rows(b"".join(response.streaming_content))
        assert not any(r.code in rows for r in scene.foreign if r.level == "village")
    for region in scene.foreign:
        assert scene.client.get(url, {"region": region.code}).status_code in REFUSED


def orgs_import_web(scene):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tuopin.people.models import Enterprise

    assert scene.client.get(reverse("people:orgs_import")).status_code in {200, 403}
    before = Enterprise.objects.count()
    for region in scene.foreign:
        csv = f"企业名称,统一社会信用代码,所在区划代码\n外来企业,92411421MA45EJ1D08,{region.code}\n"
        scene.client.post(
            reverse("people:orgs_import"),
            {"what": "enterprises", "file": SimpleUploadedFile("x.csv", csv.encode())},
        )
    assert Enterprise.objects.count() == before


def api_orgs_list(path, word_field):
    def probe(scene):
        _orgs_rows(scene)
        response = scene.client.get(path, {"year": 2018})
        assert response.status_code in {200, 403}
        if response.status_code == 200:
            texts = [str(item[word_field]) for item in response.json()["items"]]
            assert texts and not any("外县" in text for text in texts)
            scene.assert_only_own_codes(response)
            for region in scene.foreign:
                assert scene.client.get(path, {"region": region.code}).json()["items"] == []

    return probe


# ------------------------------------------------------------- star ratings, training


def _ratings(scene):
    """A proposed rating of the own and of the foreign household (written directly)."""
    from tuopin.people.models import HouseholdRating
    from tuopin.people.ratings_services import scheme_in_force

    rows = []
    for household in (scene.own_household, scene.foreign_household):
        rows.append(
            HouseholdRating.objects.create(
                household=household,
                year=2018,
                scheme=scheme_in_force(2018, household.village_id),
                star_count=1,
                proposed_by=scene.colleague,
            )
        )
    return rows


def ratings_region_page(name):
    def probe(scene):
        _ratings(scene)
        url = reverse(name)
        own = scene.client.get(url, {"region": scene.own.code, "year": 2018})
        assert own.status_code in {200, 403}
        if not own.streaming:  # the download: the counts of the own region only
            scene.assert_only_own_codes(own)
            assert scene.foreign_household.number not in own.content.decode()
        for region in scene.foreign:
            assert scene.client.get(url, {"region": region.code}).status_code in REFUSED

    return probe


def rating_web(name):
    def probe(scene):
        own, foreign = _ratings(scene)
        if name == "people:rating":
            assert _get(scene, name, rating_id=own.pk).status_code == 200
        response = scene.client.post(
            reverse(name, kwargs={"rating_id": foreign.pk}),
            {"action": "confirm", "amount": "100", "paid_on": "2018-12-01"},
        )
        assert response.status_code == 404
        foreign.refresh_from_db()
        assert foreign.status == "proposed" and not foreign.payments.exists()
        assert _get(scene, name, rating_id=foreign.pk).status_code in {404, 405}

    return probe


def household_ratings_web(name):
    def probe(scene):
        _ratings(scene)
        own = _get(scene, name, household_id=scene.own_household.pk)
        assert own.status_code in {200, 403}
        foreign = reverse(name, kwargs={"household_id": scene.foreign_household.pk})
        assert scene.client.get(foreign).status_code == 404
        scene.client.post(foreign, {"year": "2018", "rated_on": ""})
        assert scene.foreign_household.ratings.get().proposed_by == scene.colleague

    return probe


def _courses(scene):
    from tuopin.people.models import TrainingAttendance, TrainingCourse
    from tuopin.registry.models import Helper

    rows = []
    for region, name in ((scene.own, "本区培训班"), (scene.foreign[0], "外区培训班")):
        course = TrainingCourse.objects.create(
            region=region, name=name, start_date="2018-03-01", end_date="2018-03-02"
        )
        helper = Helper.objects.create(region=region, name="干部")
        TrainingAttendance.objects.create(course=course, helper=helper, attended=True)
        rows.append((course, helper))
    return rows


def training_course_web(scene):
    (own, _helper), (foreign, _other) = _courses(scene)
    assert _get(scene, "people:training_course", course_id=own.pk).status_code == 200
    url = reverse("people:training_course", kwargs={"course_id": foreign.pk})
    assert scene.client.get(url).status_code == 404
    scene.client.post(url, {"helper": _helper.pk, "attended": "0"})
    assert foreign.attendance.count() == 1 and own.attendance.count() == 1


def training_cadre_web(scene):
    (_own, helper), (_foreign, other) = _courses(scene)
    assert _get(scene, "people:training_cadre", helper_id=helper.pk).status_code == 200
    assert _get(scene, "people:training_cadre", helper_id=other.pk).status_code == 404


def training_list_web(scene):
    _courses(scene)
    response = _get(scene, "people:training")
    assert response.status_code == 200
    scene.assert_only_own_codes(response)
    assert "本区培训班" in response.content.decode()
    assert "外区培训班" not in response.content.decode()


def rating_schemes_web(scene):
    from tuopin.people.models import RatingScheme

    url = reverse("people:rating_schemes")
    own = scene.client.get(url, {"region": scene.own.code})
    assert own.status_code == 200
    scene.assert_only_own_codes(own)
    before = RatingScheme.objects.count()
    for region in scene.foreign:
        assert scene.client.get(url, {"region": region.code}).status_code in REFUSED
        body = {"year_from": "2019", "name": "外区方案", "stars": "甲星"}
        scene.client.post(f"{url}?region={region.code}", body)
    assert RatingScheme.objects.count() == before


def ratings_import_web(scene):
    """An upload names households by number: one outside the user's region is unknown."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    _ratings(scene)
    body = "户编号,年度,勤劳致富星\n" + scene.foreign_household.number + ",2019,是\n"
    upload = SimpleUploadedFile("ratings.csv", body.encode("utf-8"), content_type="text/csv")
    response = scene.client.post(reverse("people:ratings_import"), {"file": upload})
    assert response.status_code in {400, 403}
    assert not scene.foreign_household.ratings.filter(year=2019).exists()


def api_ratings(scene):
    own, foreign = _ratings(scene)
    response = scene.client.get("/api/v1/ratings")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["items"]] == [own.pk]
    scene.assert_only_own_codes(response)
    for region in scene.foreign:
        assert scene.client.get("/api/v1/ratings", {"region": region.code}).json()["items"] == []
    refused = scene.client.post(
        "/api/v1/ratings",
        {"household_id": scene.foreign_household.pk, "year": 2018, "stars": {}},
        content_type="application/json",
    )
    assert refused.status_code == 404
    foreign.refresh_from_db()
    assert foreign.proposed_by == scene.colleague


def api_rating(scene):
    own, foreign = _ratings(scene)
    assert scene.client.get(f"/api/v1/ratings/{own.pk}").status_code == 200
    assert scene.client.get(f"/api/v1/ratings/{foreign.pk}").status_code == 404


def api_rating_write(action, body):
    def probe(scene):
        _own, foreign = _ratings(scene)
        response = scene.client.post(
            f"/api/v1/ratings/{foreign.pk}/{action}", body, content_type="application/json"
        )
        assert response.status_code == 404
        foreign.refresh_from_db()
        assert foreign.status == "proposed"

    return probe


def api_workshop_employees(scene):
    rows = _orgs_rows(scene)
    own = scene.client.get(f"/api/v1/workshops/{rows.own_workshop.pk}/employees")
    assert own.status_code == 200 and own.json()[0]["name"] == "本地工人"
    refused = scene.client.get(f"/api/v1/workshops/{rows.foreign_workshop.pk}/employees")
    assert refused.status_code == 404 and "外县" not in refused.content.decode()


def api_trainings(scene):
    (own, _h), (foreign, _o) = _courses(scene)
    response = scene.client.get("/api/v1/trainings")
    assert response.status_code == 200 and [c["id"] for c in response.json()] == [own.pk]
    scene.assert_only_own_codes(response)
    assert scene.client.get(f"/api/v1/trainings/{own.pk}").status_code == 200
    assert scene.client.get(f"/api/v1/trainings/{foreign.pk}").status_code == 404


def api_helpers(scene):
    rows = _helper_rows(scene)
    for url in ("/api/v1/helpers", "/api/v1/pairings"):
        answer = scene.client.get(url)
        assert answer.status_code == 200
        items = answer.json()["items"]
        assert all("foreign" not in str(item.get("name", "")) for item in items)
        assert rows["foreign"][1].household_id not in [i.get("household_id") for i in items]
        scene.assert_only_own_codes(answer)
        for region in scene.foreign:
            outside = scene.client.get(url, {"region": region.code}).json()["items"]
            assert outside == [], (url, region.code)


def api_visits(scene):
    rows = _helper_rows(scene)
    answer = scene.client.get("/api/v1/visits")
    assert answer.status_code == 200
    ids = [item["id"] for item in answer.json()["items"]]
    assert rows["own"][2].pk in ids and rows["foreign"][2].pk not in ids
    scene.assert_only_own_codes(answer)


def api_visit_object(scene):
    rows = _helper_rows(scene)
    assert scene.client.get(f"/api/v1/visits/{rows['own'][2].pk}").status_code == 200
    assert scene.client.get(f"/api/v1/visits/{rows['foreign'][2].pk}").status_code == 404


def api_visit_photo(scene):
    rows = _helper_rows(scene)
    assert scene.client.get(f"/api/v1/visit-photos/{rows['own'][3].pk}").status_code == 200
    assert scene.client.get(f"/api/v1/visit-photos/{rows['foreign'][3].pk}").status_code == 404


def api_visit_create(scene):
    from tuopin.people.models import Visit

    _helper_rows(scene)
    body = {"household_id": scene.foreign_household.pk, "visited_on": "2018-05-01", "title": "外"}
    before = Visit.objects.count()
    refused = _json(scene, "post", "/api/v1/visits", body)
    assert refused.status_code in REFUSED
    assert Visit.objects.count() == before
    own = _json(
        scene,
        "post",
        "/api/v1/visits",
        {**body, "household_id": scene.own_household.pk, "token": "probe-token-1"},
    )
    assert own.status_code in {201, 403}


# -- projects: the fund ledger (part funds) ------------------------------------------------


def _funds_rows(scene):
    """A fund of the scene's county passed to its township and disbursed to a project of
    its village, paid to its household; the same in 睢县 ("外县")."""
    from datetime import date
    from decimal import Decimal

    from tuopin.projects.models import Allocation, Disbursement, Fund, FundPayment, Project

    village = _a_village_under(scene.own)
    rows = {}
    for word, v, household in (
        ("本地", village, scene.own_household),
        ("外县", scene.foreign[0], scene.foreign_household),
    ):
        county, township = v.code[:6].ljust(12, "0"), v.parent_id
        project = Project.objects.create(
            county_id=county, region_id=v.code, code=f"{word}-1", year=2018, name=f"{word}项目",
            category="industry", nature="new", unit=f"{word}单位", person="某人", tasks="任务",
            amount=Decimal(100000), targets="目标", stage="implementing",
        )  # fmt: skip
        fund = Fund.objects.create(
            document=f"{word}〔2018〕1号", name=f"{word}资金", nature="special", level="central",
            year=2018, amount=Decimal(100000), region_id=county, received_on=date(2018, 1, 5),
        )  # fmt: skip
        Allocation.objects.create(fund=fund, from_region_id=county, to_region_id=township,
                                  amount=Decimal(50000), allocated_on=date(2018, 2, 1))  # fmt: skip
        spent = Disbursement.objects.create(fund=fund, region_id=township, project=project,
                                            amount=Decimal(40000), disbursed_on=date(2018, 3, 1))  # fmt: skip
        member = household.members.order_by("pk").first()
        payment = FundPayment.objects.create(
            disbursement=spent, fund=fund, project=project, region_id=v.code, payee_kind="person",
            payee=f"{word}农户", id_number=member.id_number, household=household, member=member,
            account=BANK_ACCOUNT, item="产业奖补", period="2018-06", amount=Decimal(500),
            paid_on=date(2018, 6, 1),
        )  # fmt: skip
        rows[word] = (fund, spent, payment)
    return rows["本地"], rows["外县"]


def funds_region_page(name, *, args=None):
    def probe(scene):
        _funds_rows(scene)
        url = reverse(name, args=args)
        response = scene.client.get(url, {"year": 2018})
        assert response.status_code in {200, 403}
        if not getattr(response, "streaming", False):  # an xlsx download is checked below
            assert "外县" not in response.content.decode("utf-8", "replace")
            if response.status_code == 200:
                scene.assert_only_own_codes(response)
        for region in scene.foreign:
            assert scene.client.get(url, {"region": region.code}).status_code in REFUSED

    return probe


def funds_object(scene):
    (own, _s, _p), (foreign, _fs, _fp) = _funds_rows(scene)
    mine = scene.client.get(reverse("projects:fund", args=[own.pk]))
    assert mine.status_code in {200, 403, 404}
    if scene.user.assignments.get().role != Role.VILLAGE:
        assert mine.status_code == 200 and "外县" not in mine.content.decode()
    refused = scene.client.get(reverse("projects:fund", args=[foreign.pk]))
    assert refused.status_code == 404 and "外县" not in refused.content.decode()


def funds_write(name, data, *, on="fund"):
    def probe(scene):
        from tuopin.projects.models import Allocation, Disbursement, Fund, FundPayment

        _own, (fund, spent, _p) = _funds_rows(scene)
        counts = [m.objects.count() for m in (Fund, Allocation, Disbursement, FundPayment)]
        target = fund if on == "fund" else spent
        url = reverse(name, args=[target.pk])
        assert scene.client.get(url).status_code in REFUSED
        assert scene.client.post(url, data).status_code in REFUSED
        after = [m.objects.count() for m in (Fund, Allocation, Disbursement, FundPayment)]
        assert after == counts

    return probe


def funds_new_web(scene):
    from tuopin.projects.models import Fund

    before = Fund.objects.count()
    assert scene.client.get(reverse("projects:fund_new")).status_code in {200, 403}
    for region in scene.foreign:
        scene.client.post(reverse("projects:fund_new"), {
            "document": f"外来{region.code}", "name": "外来", "nature": "special",
            "level": "central", "integrated": "unknown", "year": 2018, "amount": "1",
            "region": region.code, "received_on": "2018-01-01",
        })  # fmt: skip
    assert Fund.objects.count() == before


def funds_reveal_web(scene):
    (_f, _s, own), (_ff, _fs, foreign) = _funds_rows(scene)
    reveals = AccessLog.objects.filter(kind=AccessKind.REVEAL).count()
    for field in ("id_number", "account"):
        url = reverse("projects:fund_payment_reveal", args=[foreign.pk, field])
        refused = scene.client.post(url)
        assert refused.status_code in REFUSED and foreign.id_number not in refused.content.decode()
    assert AccessLog.objects.filter(kind=AccessKind.REVEAL).count() == reveals
    mine = scene.client.post(reverse("projects:fund_payment_reveal", args=[own.pk, "id_number"]))
    assert mine.status_code in {200, 403, 404}
    if mine.status_code == 200:
        assert own.id_number in mine.content.decode()
        assert AccessLog.objects.filter(kind=AccessKind.REVEAL).count() == reveals + 1


def funds_import_web(scene):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tuopin.projects.models import Fund

    assert scene.client.get(reverse("projects:funds_import")).status_code in {200, 403}
    before = Fund.objects.count()
    for region in scene.foreign:
        csv = ("类型,指标文件文号,资金名称,资金性质,资金来源级次,年度,金额（元）,区划代码,日期\n"
               f"资金指标,外来{region.code},外来,财政专项扶贫资金,中央,2018,1,{region.code},2018-01-01\n")  # fmt: skip
        scene.client.post(
            reverse("projects:funds_import"),
            {"what": "funds", "file": SimpleUploadedFile("x.csv", csv.encode())},
        )
    assert Fund.objects.count() == before


def library_import_web(scene):
    """The county office imports only projects of its county; anyone else is refused."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tuopin.projects.models import Project

    assert scene.client.get(reverse("projects:library_import")).status_code in {200, 403}
    before = Project.objects.count()
    for region in scene.foreign:
        csv = ("项目编号,项目名称,申报年度,项目类别,建设性质,申报单位区划代码,实施单位,责任人,"
               "建设任务,项目总投资（元）\n"
               f"外来-1,外来项目,2018,产业发展,新建,{region.code},外来单位,某人,任务,1000\n")  # fmt: skip
        scene.client.post(
            reverse("projects:library_import"),
            {"file": SimpleUploadedFile("x.csv", csv.encode())},
        )
    assert Project.objects.count() == before


def api_funds(path):
    def probe(scene):
        _funds_rows(scene)
        response = scene.client.get(path)
        assert response.status_code in {200, 403}
        if response.status_code == 200:
            assert response.json()["items"] and "外县" not in response.content.decode()
            scene.assert_only_own_codes(response)
            for region in scene.foreign:
                answer = scene.client.get(path, {"region": region.code[:6]})
                assert answer.json()["items"] == []

    return probe


def api_fund_object(scene):
    (own, _s, _p), (foreign, _fs, _fp) = _funds_rows(scene)
    assert scene.client.get(f"/api/v1/funds/{own.pk}").status_code in {200, 403, 404}
    refused = scene.client.get(f"/api/v1/funds/{foreign.pk}")
    assert refused.status_code in REFUSED and "外县" not in refused.content.decode()


# -- projects: the county project library (tuopin.projects, part "library") ----------------

OWN_PROJECT, FOREIGN_PROJECT = "本区扶贫项目", "外区扶贫项目"


def _projects(scene):
    """A project in the user's region (its village) and one in each foreign region's village."""
    from decimal import Decimal

    from tuopin.projects.models import Project, ProjectBeneficiary

    made = []
    villages = [_a_village_under(scene.own)] + [
        region if region.level == "village" else _a_village_under(region)
        for region in scene.foreign
    ]
    for number, village in enumerate(villages):
        project = Project.objects.create(
            county_id=village.code[:6].ljust(12, "0"),
            region=village,
            code=f"SC-{number}",
            year=2018,
            name=OWN_PROJECT if number == 0 else FOREIGN_PROJECT,
            category="industry",
            nature="new",
            unit="实施单位",
            person="责任人",
            tasks="任务",
            amount=Decimal("1000"),
            stage="implementing",
            targets="目标",
            mechanism="机制",
        )
        project.villages.set([village])
        household = scene.own_household if number == 0 else scene.foreign_household
        if household.village_id[:6] == village.code[:6]:
            ProjectBeneficiary.objects.create(project=project, household=household)
        made.append(project)
    return made[0], made[1:]


def _all_xlsx_text(response) -> str:
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return " ".join(
        str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
    )


def library_region_page(name):
    """A library page with a region: own projects only; a foreign region is refused."""

    def probe(scene):
        _projects(scene)
        response = _get(scene, name)
        assert response.status_code in {200, 403}
        if response.status_code == 200:
            body = _all_xlsx_text(response) if response.streaming else response.content.decode()
            assert FOREIGN_PROJECT not in body
            if not response.streaming:
                scene.assert_only_own_codes(response)
        for region in scene.foreign:
            assert scene.client.get(reverse(name), {"region": region.code}).status_code in REFUSED

    return probe


def library_project_page(name):
    def probe(scene):
        own, foreign = _projects(scene)
        answer = _get(scene, name, project_id=own.pk)
        assert answer.status_code in {200, 403}
        if answer.status_code == 200:
            scene.assert_only_own_codes(answer)
        for project in foreign:
            refused = _get(scene, name, project_id=project.pk)
            assert refused.status_code in REFUSED
            assert FOREIGN_PROJECT not in refused.content.decode()

    return probe


def library_project_new(scene):
    from tuopin.projects.models import Project

    assert _get(scene, "projects:project_new").status_code in {200, 403}
    for region in scene.foreign:
        village = region if region.level == "village" else _a_village_under(region)
        scene.client.post(
            reverse("projects:project_new"),
            {"region": village.code, "year": "2018", "name": "越权项目", "category": "industry",
             "nature": "new", "unit": "单位", "person": "人", "tasks": "任务", "amount": "1"},
        )  # fmt: skip
    assert not Project.objects.filter(name="越权项目").exists()


def library_project_edit(scene):
    own, foreign = _projects(scene)
    assert _get(scene, "projects:project_edit", project_id=own.pk).status_code in {200, 403}
    for project in foreign:
        url = reverse("projects:project_edit", kwargs={"project_id": project.pk})
        assert scene.client.get(url).status_code in REFUSED
        assert scene.client.post(url, {"name": "越权修改"}).status_code in REFUSED
        project.refresh_from_db()
        assert project.name == FOREIGN_PROJECT


def library_project_step(scene):
    own, foreign = _projects(scene)
    for project in foreign:
        url = reverse(
            "projects:project_step", kwargs={"project_id": project.pk, "action": "accept"}
        )
        assert scene.client.post(url).status_code in REFUSED
        project.refresh_from_db()
        assert project.stage == "implementing" and not project.steps.exists()


def library_project_route(scene):
    _own, foreign = _projects(scene)
    for project in foreign:
        url = reverse("projects:project_route", kwargs={"project_id": project.pk})
        assert scene.client.post(url, {"department": "education"}).status_code in REFUSED
        project.refresh_from_db()
        assert project.appraiser == "" and not project.steps.exists()


def library_progress(scene):
    from tuopin.projects.models import ProjectProgress

    own, foreign = _projects(scene)
    assert _get(scene, "projects:project_progress", project_id=own.pk).status_code in {200, 403}
    for project in foreign:
        url = reverse("projects:project_progress", kwargs={"project_id": project.pk})
        assert scene.client.get(url).status_code in REFUSED
        assert scene.client.post(url, {"percent": "50"}).status_code in REFUSED
    assert not ProjectProgress.objects.filter(project__in=foreign).exists()


def library_beneficiary_add(scene):
    from tuopin.projects.models import ProjectBeneficiary

    own, foreign = _projects(scene)
    before = ProjectBeneficiary.objects.count()
    for project in foreign:
        url = reverse("projects:project_beneficiary_add", kwargs={"project_id": project.pk})
        answer = scene.client.post(url, {"household": scene.foreign_household.number})
        assert answer.status_code in REFUSED
    assert ProjectBeneficiary.objects.count() == before


def library_beneficiary_remove(scene):
    from tuopin.projects.models import ProjectBeneficiary

    _own, foreign = _projects(scene)
    rows = list(ProjectBeneficiary.objects.filter(project__in=foreign))
    assert rows
    for row in rows:
        url = reverse("projects:project_beneficiary_remove", kwargs={"beneficiary_id": row.pk})
        assert scene.client.post(url).status_code in REFUSED
    assert ProjectBeneficiary.objects.filter(pk__in=[r.pk for r in rows]).count() == len(rows)


def library_refresh_web(scene):
    from tuopin.projects.models import LibraryEntry

    _projects(scene)
    for region in scene.foreign:
        answer = scene.client.post(
            reverse("projects:library_versions_refresh"), {"region": region.code}
        )
        assert answer.status_code in REFUSED
    assert not LibraryEntry.objects.exists()


def api_projects(scene):
    own, foreign = _projects(scene)
    answer = scene.client.get("/api/v1/projects")
    assert answer.status_code in {200, 404}
    if answer.status_code == 200:
        ids = [item["id"] for item in answer.json()["items"]]
        assert own.pk in ids and not {p.pk for p in foreign} & set(ids)
        for region in scene.foreign:
            answer = scene.client.get("/api/v1/projects", {"region": region.prefix})
            assert answer.json()["items"] == []


def api_project_object(suffix: str = ""):
    def probe(scene):
        own, foreign = _projects(scene)
        assert scene.client.get(f"/api/v1/projects/{own.pk}{suffix}").status_code in {200, 404}
        for project in foreign:
            refused = scene.client.get(f"/api/v1/projects/{project.pk}{suffix}")
            assert refused.status_code == 404 and FOREIGN_PROJECT not in refused.content.decode()

    return probe


# --- projects: the funds' early warnings -----------------------------------------------


def _fund_warnings(scene):
    """A warning in a village of the user's region and one in 睢县."""
    from datetime import date

    from django.utils import timezone

    from tuopin.projects.models import FundWarning

    now = timezone.now()

    def one(region, subject):
        return FundWarning.objects.create(
            rule="round_amount",
            subject=subject,
            region=region,
            severity="low",
            detail="整数金额",
            first_seen=now,
            last_seen=now,
            due_on=date(2018, 12, 31),
        )

    return one(_a_village_under(scene.own), "payment:1"), one(scene.foreign[0], "payment:2")


def fund_warnings_page(name):
    def probe(scene):
        _fund_warnings(scene)
        url = reverse(name)
        own = scene.client.get(url, {"region": scene.own.code})
        assert own.status_code in {200, 403}
        if own.status_code == 200 and not getattr(own, "streaming", False):
            scene.assert_only_own_codes(own)
        for region in scene.foreign:
            assert scene.client.get(url, {"region": region.code}).status_code in REFUSED

    return probe


def fund_warning_object(scene):
    own, foreign = _fund_warnings(scene)
    assert _get(scene, "projects:warning", pk=own.pk).status_code in {200, 403, 404}
    assert _get(scene, "projects:warning", pk=foreign.pk).status_code == 404


def fund_warning_handle(scene):
    from tuopin.projects.models import FundWarning

    _own, foreign = _fund_warnings(scene)
    url = reverse("projects:warning_handle", kwargs={"pk": foreign.pk})
    response = scene.client.post(url, {"action": "verify", "note": "越权"})
    assert response.status_code in REFUSED
    assert FundWarning.objects.get(pk=foreign.pk).state == "open"


def api_fund_warnings(scene):
    """/api/v1/funds/warnings: the own region's warnings or a refusal (a village office);
    a foreign region's filter answers nothing."""
    own, foreign = _fund_warnings(scene)
    response = scene.client.get("/api/v1/funds/warnings")
    assert response.status_code in {200, 403}
    if response.status_code == 200:
        ids = {item["id"] for item in response.json()["items"]}
        assert own.pk in ids and foreign.pk not in ids
        scene.assert_only_own_codes(response)
        for region in scene.foreign:
            answer = scene.client.get("/api/v1/funds/warnings", {"region": region.code})
            assert answer.json()["items"] == []


def api_fund_warning_object(scene):
    own, foreign = _fund_warnings(scene)
    assert scene.client.get(f"/api/v1/funds/warnings/{own.pk}").status_code in {200, 403}
    assert scene.client.get(f"/api/v1/funds/warnings/{foreign.pk}").status_code in REFUSED


def api_fund_warning_action(scene):
    from tuopin.projects.models import FundWarning

    _own, foreign = _fund_warnings(scene)
    url = f"/api/v1/funds/warnings/{foreign.pk}/actions"
    response = scene.client.post(url, {"action": "verify", "note": "越权"})
    assert response.status_code in REFUSED
    assert FundWarning.objects.get(pk=foreign.pk).state == "open"


# ------------------------------------------------ 公告公示 and 项目资金参数 (issue 15, public)


def _disclosure(region: Region, household: Household, days_ago: int = 1):
    """A notice at `region` listing the household's people (masked when stored)."""
    import datetime

    from django.utils import timezone

    from tuopin.projects.disclosure_services import disclosure_post

    members = list(household.members.values_list("name", "id_number"))
    return disclosure_post(
        acting_user=None,
        check_access=False,
        kind="subsidies",
        region=region,
        title=f"{region.name}补助发放名单",
        starts_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        columns=["姓名", "身份证号"],
        rows=[list(member) for member in members],
        personal={0: "name", 1: "id_number"},
    )


def _no_full_people(response, household: Household) -> None:
    body = response.content.decode()
    for name, number in household.members.values_list("name", "id_number"):
        assert number not in body and name not in body


def disclosures_page(scene):
    own = _disclosure(_a_village_under(scene.own), scene.own_household)
    foreign = _disclosure(scene.foreign[0], scene.foreign_household)
    response = scene.client.get(reverse("projects:disclosures"))
    assert response.status_code in {200, 404}
    if response.status_code == 200:
        assert own.title in response.content.decode()
        assert foreign.title not in response.content.decode()
        scene.assert_only_own_codes(response)
    for region in scene.foreign:
        url = reverse("projects:disclosures")
        assert scene.client.get(url, {"region": region.code}).status_code in REFUSED


def disclosure_new_web(scene):
    own = scene.client.get(reverse("projects:disclosure_new"))
    assert own.status_code in {200, 403}
    for region in scene.foreign:
        response = scene.client.post(
            reverse("projects:disclosure_new"),
            {"region": region.code, "kind": "library", "year": "2018", "starts_on": "2018-06-01"},
        )
        assert response.status_code in REFUSED
    from tuopin.projects.models import Disclosure

    assert not Disclosure.objects.exists()


def disclosure_object(name):
    def probe(scene):
        own = _disclosure(_a_village_under(scene.own), scene.own_household)
        foreign = _disclosure(scene.foreign[0], scene.foreign_household)
        assert scene.client.get(reverse(name, args=[own.pk])).status_code == 200
        assert scene.client.get(reverse(name, args=[foreign.pk])).status_code == 404

    return probe


def disclosure_withdraw_web(scene):
    own = _disclosure(_a_village_under(scene.own), scene.own_household)
    foreign = _disclosure(scene.foreign[0], scene.foreign_household)
    url = "projects:disclosure_withdraw"
    refused = scene.client.post(reverse(url, args=[foreign.pk]), {"reason": "外来"})
    assert refused.status_code == 404
    foreign.refresh_from_db()
    assert foreign.withdrawn_at is None
    done = scene.client.post(reverse(url, args=[own.pk]), {"reason": "本地"})
    assert done.status_code in {302, 403}


def funds_parameters_page(scene):
    from tuopin.projects.models import FundsParameter

    own = scene.client.get(reverse("projects:parameters"), {"region": scene.own.code})
    assert own.status_code == 200
    scene.assert_only_own_codes(own)
    for region in scene.foreign:
        url = reverse("projects:parameters")
        assert scene.client.get(url, {"region": region.code}).status_code in REFUSED
        posted = scene.client.post(
            url, {"region": region.code, "code": "disclosure_days_min", "value": "3"}
        )
        assert posted.status_code in REFUSED
    assert not FundsParameter.objects.exists()


def public_disclosures(scene):
    """No login: anyone reads the notices posted, every county's, masked only."""
    foreign = _disclosure(scene.foreign[0], scene.foreign_household)
    later = _disclosure(scene.foreign[0], scene.foreign_household, days_ago=-3)
    response = Client().get(reverse("disclosure:list"))
    assert response.status_code == 200
    assert foreign.title in response.content.decode()
    assert f'href="/disclosure/{later.pk}/"' not in response.content.decode()
    _no_full_people(response, scene.foreign_household)
    scene.assert_only_own_codes(response)


def public_disclosure_object(name):
    def probe(scene):
        foreign = _disclosure(scene.foreign[0], scene.foreign_household)
        response = Client().get(reverse(name, args=[foreign.pk]))
        assert response.status_code == 200
        _no_full_people(response, scene.foreign_household)
        later = _disclosure(scene.foreign[0], scene.foreign_household, days_ago=-3)
        assert Client().get(reverse(name, args=[later.pk])).status_code == 404

    return probe


def api_disclosures(scene):
    own = _disclosure(_a_village_under(scene.own), scene.own_household)
    foreign = _disclosure(scene.foreign[0], scene.foreign_household)
    response = scene.client.get("/api/v1/projects/disclosures")
    assert response.status_code == 200
    ids = [item["id"] for item in response.json()["items"]]
    assert own.pk in ids and foreign.pk not in ids
    scene.assert_only_own_codes(response)
    for region in scene.foreign:
        outside = scene.client.get("/api/v1/projects/disclosures", {"region": region.code})
        assert outside.json()["items"] == []
    assert scene.client.get(f"/api/v1/projects/disclosures/{own.pk}").status_code == 200
    assert scene.client.get(f"/api/v1/projects/disclosures/{foreign.pk}").status_code == 404


PROBES = {
    "web:home": page("web:home"),
    "web:regions": page("web:regions"),
    "web:region": region_object("web:region"),
    "web:region_edit": region_edit,
    "web:jobs": page("web:jobs"),
    "web:job_create": job_create_web,
    "web:job": job_object("web:job"),
    "web:job_progress": job_object("web:job_progress"),
    "web:job_download": job_object("web:job_download"),
    "accounts:login": public("accounts:login"),
    "favicon": public("favicon"),
    "accounts:logout": self_only,
    "accounts:profile": page("accounts:profile"),
    "accounts:token_create": self_only,
    "accounts:token_revoke": token_revoke,
    "accounts:users": page("accounts:users"),
    "accounts:user_new": user_new,
    "accounts:user": user_object,
    "accounts:user_active": user_active,
    "accounts:assignment_remove": assignment_remove,
    "audit:access_log": page("audit:access_log"),
    "set_language": self_only,
    "registry:households": household_list,
    "registry:household": household_object,
    "registry:import": registry_import,
    "assistance:import_index": page("assistance:import_index"),
    "assistance:import": ledger_import_web,
    "assistance:import_result": ledger_import_result,
    "quality:scorecard": quality_page("quality:scorecard"),
    "quality:list": quality_page("quality:list", check="household_without_helper"),
    "quality:download": quality_page("quality:download", check="household_without_helper"),
    # Coverage checks of the sector ledgers (the scene's household has no measures).
    "assistance:coverage": quality_page("assistance:coverage"),
    "assistance:coverage_list": quality_page(
        "assistance:coverage_list", check="income_measures_too_few"
    ),
    "assistance:coverage_download": quality_page(
        "assistance:coverage_download", check="income_measures_too_few"
    ),
    "assistance:coverage_parameters": page("assistance:coverage_parameters"),
    "registry:household_edit": household_edit,
    "registry:member_event": member_event_web,
    "registry:member_new": member_new_web,
    "registry:member_edit": member_edit_web,
    "registry:member_reveal": member_reveal,
    "registry:household_contact_reveal": household_contact_reveal,
    "api-1.0.0:household_list": api_household_list,
    "api-1.0.0:household_detail": api_household_object,
    "api-1.0.0:household_create": api_household_create,
    "api-1.0.0:household_patch": api_household_patch,
    "api-1.0.0:member_create": api_member_create,
    "api-1.0.0:member_patch": api_member_patch,
    "api-1.0.0:member_list": api_member_list,
    "api-1.0.0:member_detail": api_member_object,
    "api-1.0.0:member_event": api_member_event,
    "api-1.0.0:member_id_number": api_member_id_number,
    "api-1.0.0:member_reveal": api_member_reveal,
    "api-1.0.0:household_reveal": api_household_reveal,
    "api-1.0.0:openapi-json": public("api-1.0.0:openapi-json"),
    "api-1.0.0:openapi-view": public("api-1.0.0:openapi-view"),
    "api-1.0.0:api-root": public("api-1.0.0:api-root"),
    "api-1.0.0:me": page("api-1.0.0:me"),
    "api-1.0.0:region_search": page("api-1.0.0:region_search"),
    "api-1.0.0:region_detail": region_object("api-1.0.0:region_detail"),
    "api-1.0.0:region_children": region_object("api-1.0.0:region_children"),
    "api-1.0.0:job_list": page("api-1.0.0:job_list"),
    "api-1.0.0:job_create": job_create_api,
    "api-1.0.0:job_detail": job_object("api-1.0.0:job_detail"),
    "api-1.0.0:access_log": page("api-1.0.0:access_log"),
    "policy:policies": page("policy:policies"),
    "policy:policy": policy_object,
    "policy:policy_draft": policy_change("policy:policy_draft"),
    "policy:policy_edit": policy_change("policy:policy_edit"),
    "policy:clause_edit": policy_change("policy:clause_edit"),
    "policy:policy_publish": policy_change("policy:policy_publish"),
    "policy:runs": policy_runs,
    "policy:run": policy_run,
    "policy:run_compare": policy_compare,
    "policy:ledger_export": policy_ledger_export,
    "policy:ledger_parts_export": policy_ledger_parts_export,
    "policy:ledger": policy_ledger,
    "policy:village_ledger": area_ledger("policy:village_ledger"),
    "policy:county_ledger": area_ledger("policy:county_ledger"),
    "policy:county_ledger_download": county_download,
    "policy:household_panel": policy_household_panel,
    "policy:village_indicators": indicator_object("policy:village_indicators", "village"),
    "policy:county_indicators": indicator_object("policy:county_indicators", "county"),
    "policy:indicators_upload": indicators_upload,
    "cases:list": cases_page("cases:list"),
    "cases:tasks": cases_page("cases:tasks"),
    "cases:overrides": cases_page("cases:overrides"),
    "cases:propose": case_propose_web,
    "cases:case": case_object("cases:case"),
    "cases:act": case_act_web,
    "cases:exit_batch": exit_batch_web,
    "cases:batch": batch_object("cases:batch"),
    "cases:batch_act": batch_object("cases:batch_act", "post"),
    "cases:notice_print": notice_objects,
    "cases:monitoring": monitoring_page,
    "cases:household_cases": household_cases_panel,
    "cases:county_settings": county_settings_web,
    "public:public_notices": public_notices,
    "public:public_notice": notice_objects,
    "api-1.0.0:case_list": api_cases,
    "api-1.0.0:case_tasks": api_case_tasks,
    "api-1.0.0:case_detail": api_case_detail,
    "api-1.0.0:case_create": api_case_create,
    "api-1.0.0:case_action": api_case_action,
    "api-1.0.0:case_event_attachment": api_case_event_attachment,
    "assistance:ledgers": page("assistance:ledgers"),
    "people:index": page("people:index"),
    "projects:index": page("projects:index"),
    "projects:library": library_region_page("projects:library"),
    "projects:library_download": library_region_page("projects:library_download"),
    "projects:library_report": library_region_page("projects:library_report"),
    "projects:library_versions": library_region_page("projects:library_versions"),
    "projects:library_versions_refresh": library_refresh_web,
    "projects:project_new": library_project_new,
    "projects:project": library_project_page("projects:project"),
    "projects:project_step": library_project_step,
    "projects:project_edit": library_project_edit,
    "projects:project_route": library_project_route,
    "projects:project_progress": library_progress,
    "projects:project_beneficiary_add": library_beneficiary_add,
    "projects:project_beneficiary_remove": library_beneficiary_remove,
    "api-1.0.0:project_list": api_projects,
    "api-1.0.0:project_detail": api_project_object(),
    "api-1.0.0:project_steps": api_project_object("/steps"),
    "projects:disclosures": disclosures_page,
    "projects:disclosure_new": disclosure_new_web,
    "projects:disclosure": disclosure_object("projects:disclosure"),
    "projects:disclosure_print": disclosure_object("projects:disclosure_print"),
    "projects:disclosure_withdraw": disclosure_withdraw_web,
    "projects:parameters": funds_parameters_page,
    "disclosure:list": public_disclosures,
    "disclosure:notice": public_disclosure_object("disclosure:notice"),
    "disclosure:print": public_disclosure_object("disclosure:print"),
    "api-1.0.0:disclosure_list_api": api_disclosures,
    "api-1.0.0:disclosure_detail_api": api_disclosures,
    "people:teams": team_region_page("people:teams"),
    "people:teams_download": team_region_page("people:teams_download"),
    "people:checks": team_region_page("people:checks"),
    "people:check_list": team_region_page("people:check_list", code="team_too_small"),
    "people:check_download": helper_coverage_page("people:check_download", code="visit_overdue"),
    "people:team": team_object("people:team"),
    "people:team_attendance": team_object("people:team_attendance"),
    "people:team_attendance_download": team_object(
        "people:team_attendance_download", allowed={200, 403}
    ),
    "people:team_sign": team_sign_web,
    "people:team_new": team_new_web,
    "people:posting_new": posting_new_web,
    "people:posting_end": posting_end_web,
    "people:teams_import": teams_import_web,
    "api-1.0.0:team_list": api_teams,
    "api-1.0.0:team_detail": api_team_object(),
    "api-1.0.0:team_attendance": api_team_object("/attendance", {"month": "2018-05"}),
    "people:branches": orgs_list("people:branches", "本地", "外县"),
    "people:branch_new": orgs_branch_new,
    "people:branch": orgs_object("people:branch", "branch"),
    "people:branch_plan": orgs_branch_write("people:branch_plan", {"measures": "外来措施"}),
    "people:branch_note": orgs_branch_write(
        "people:branch_note", {"date": "2018-06-01", "text": "外来"}
    ),
    "people:branch_sign_off": orgs_branch_write("people:branch_sign_off", {"date": "2018-12-01"}),
    "people:enterprises": orgs_list("people:enterprises", "本地企业", "外县"),
    "people:enterprise": orgs_object("people:enterprise", "enterprise"),
    "people:workshops": orgs_list("people:workshops", "本地车间", "外县"),
    "people:workshop": orgs_object("people:workshop", "workshop"),
    "people:siyou": orgs_siyou,
    "people:parks": parks_page,
    "people:park_delete": park_delete,
    "people:parameters": people_parameters_page,
    "people:my_households": my_households_page,
    "people:my_household": my_households_page,
    "people:helper_account": helper_account_web,
    "people:orgs_download": orgs_download,
    "people:orgs_import": orgs_import_web,
    "api-1.0.0:branch_list": api_orgs_list("/api/v1/branches", "reasons"),
    "api-1.0.0:enterprise_list": api_orgs_list("/api/v1/enterprises", "name"),
    "api-1.0.0:workshop_list": api_orgs_list("/api/v1/workshops", "name"),
    "api-1.0.0:workshop_employee_list": api_workshop_employees,
    "people:helpers": page("people:helpers"),
    "api-1.0.0:helper_list": api_helpers,
    "api-1.0.0:pairing_list": api_helpers,
    "api-1.0.0:visit_list": api_visits,
    "api-1.0.0:visit_detail": api_visit_object,
    "api-1.0.0:visit_create": api_visit_create,
    "api-1.0.0:visit_photo": api_visit_photo,
    "people:helper_new": page("people:helper_new"),
    "people:helpers_import": page("people:helpers_import"),
    "people:helper": helper_object("people:helper"),
    "people:helper_edit": helper_object("people:helper_edit"),
    "people:household_helpers": household_helpers_object("people:household_helpers"),
    "people:pairing_new": household_helpers_object("people:pairing_new"),
    "people:visit_new": household_helpers_object("people:visit_new"),
    "people:pairing_end": pairing_end_web,
    "people:visit": visit_object("people:visit", 2, "visit_id"),
    "people:visit_photo": visit_object("people:visit_photo", 3, "photo_id"),
    "assistance:ledger_list": ledger_list_web,
    "assistance:ledger_download": ledger_download_web,
    "assistance:ledger_entry": ledger_entry_web("assistance:ledger_entry"),
    "assistance:ledger_entry_edit": ledger_entry_web("assistance:ledger_entry_edit"),
    "assistance:ledger_entry_new": ledger_entry_new_web,
    "assistance:ledger_entry_review": ledger_entry_review_web,
    "assistance:ledger_entry_reveal": ledger_entry_reveal_web,
    "assistance:ledger_child_new": ledger_child_new_web,
    "assistance:household": household_card,
    "assistance:household_ledgers": household_ledgers_panel,
    "api-1.0.0:ledger_list": api_ledgers,
    "api-1.0.0:ledger_entries": api_ledger_entries,
    "api-1.0.0:ledger_entry_detail": api_ledger_entry,
    "api-1.0.0:household_ledger_entries": api_household_ledgers,
    "people:ratings": ratings_region_page("people:ratings"),
    "people:ratings_download": ratings_region_page("people:ratings_download"),
    "people:rating_list": ratings_region_page("people:rating_list"),
    "people:rating": rating_web("people:rating"),
    "people:ratings_import": ratings_import_web,
    "people:rating_schemes": rating_schemes_web,
    "people:rating_review": rating_web("people:rating_review"),
    "people:rating_pay": rating_web("people:rating_pay"),
    "people:household_ratings": household_ratings_web("people:household_ratings"),
    "people:household_rating_propose": household_ratings_web("people:household_rating_propose"),
    "people:training": training_list_web,
    "people:training_course_new": page("people:training_course_new"),
    "people:training_course": training_course_web,
    "people:training_cadre": training_cadre_web,
    "api-1.0.0:rating_list_api": api_ratings,
    "api-1.0.0:rating_propose_api": api_ratings,
    "api-1.0.0:rating_detail_api": api_rating,
    "api-1.0.0:rating_confirm_api": api_rating_write("confirm", {}),
    "api-1.0.0:rating_return_api": api_rating_write("return", {"reason": "不符合"}),
    "api-1.0.0:training_list_api": api_trainings,
    "api-1.0.0:training_detail_api": api_trainings,
    "projects:funds_ledger": funds_region_page("projects:funds_ledger"),
    "projects:funds_spending": funds_region_page("projects:funds_spending"),
    "projects:funds_integration": funds_region_page("projects:funds_integration"),
    "projects:fund_payments": funds_region_page("projects:fund_payments"),
    "projects:funds_audit": funds_region_page("projects:funds_audit"),
    "projects:funds_download": funds_region_page("projects:funds_download", args=["ledger"]),
    "projects:fund": funds_object,
    "projects:fund_new": funds_new_web,
    "projects:allocation_new": funds_write(
        "projects:allocation_new",
        {
            "from_region": "411422000000",
            "to_region": "411422100000",
            "amount": "1",
            "allocated_on": "2018-03-01",
        },
    ),  # fmt: skip
    "projects:disbursement_new": funds_write(
        "projects:disbursement_new",
        {
            "region": "411422000000",
            "project": "外县-1",
            "amount": "1",
            "disbursed_on": "2018-03-01",
        },
    ),
    "projects:payment_new": funds_write(
        "projects:payment_new",
        {
            "payee_kind": "project",
            "payee": "外来",
            "item": "外来",
            "amount": "1",
            "paid_on": "2018-06-01",
        },
        on="disbursement",
    ),  # fmt: skip
    "projects:fund_payment_reveal": funds_reveal_web,
    "projects:funds_import": funds_import_web,
    "projects:library_import": library_import_web,
    "api-1.0.0:fund_list": api_funds("/api/v1/funds"),
    "api-1.0.0:fund_payment_list": api_funds("/api/v1/funds/payments"),
    "api-1.0.0:fund_detail": api_fund_object,
    "projects:warnings": fund_warnings_page("projects:warnings"),
    "projects:warnings_download": fund_warnings_page("projects:warnings_download"),
    "projects:warnings_scorecard": fund_warnings_page("projects:warnings_scorecard"),
    "projects:warning": fund_warning_object,
    "projects:warning_handle": fund_warning_handle,
    "api-1.0.0:warning_list": api_fund_warnings,
    "api-1.0.0:warning_detail": api_fund_warning_object,
    "api-1.0.0:warning_action": api_fund_warning_action,
}


def test_every_route_has_a_scope_probe():
    missing = [
        f"{route} ({name or 'unnamed'})"
        for route, name in all_routes()
        if not route.startswith("admin/") and name not in PROBES
    ]
    assert not missing, "routes without a scope probe in tests/test_scope_contract.py: " + (
        ", ".join(missing)
    )


def _scene_build(make_user, role, own_code) -> dict:
    """The rows of a scene, as keys: the user, someone in 睢县, jobs, a token, households."""
    own = Region.objects.get(code=own_code)
    user = make_user(role, own.code)
    # Someone else in 睢县, and (for a village user) a neighbour in the same township.
    stranger = make_user(Role.COUNTY_OFFICE, SUIXIAN)
    foreign = [
        Region.objects.filter(code__startswith="411422", level="village").first(),
        Region.objects.get(code=SUIXIAN),
    ]
    if own.level == "village":
        foreign.append(
            Region.objects.filter(parent_id=own.parent_id).exclude(code=own.code).first()
        )
    # A kind every role here may read (registry.view): the contract is about regions.
    own_job = job_enqueue(acting_user=user, kind="registry.quality", region_code=own.code)
    foreign_job = job_enqueue(
        acting_user=stranger, kind="registry.quality", region_code=foreign[0].code
    )
    # Finished with a result file to download (or be refused): the contract is about
    # regions, so the recount itself (seconds per scene) is not run.
    for job in (own_job, foreign_job):
        job.status, job.progress = JobStatus.SUCCEEDED, 100
        job.result_file, job.result_name = f"jobs/{job.pk}/result.txt", "result.txt"
        path = Path(settings.MEDIA_ROOT) / job.result_file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("结果", encoding="utf-8")
        job.save(update_fields=["status", "progress", "result_file", "result_name"])
    foreign_token, _ = api_token_issue(acting_user=stranger, user=stranger, name="sector")
    client = Client()
    client.force_login(user)
    # Let the stranger leave traces (log entries) that must stay invisible.
    Client().post(reverse("accounts:login"), {"username": stranger.username, "password": "x"})
    colleague = make_user(Role.VILLAGE, _a_village_under(own).code)
    registrar = make_user(Role.COUNTY_OFFICE, own.code[:6].ljust(12, "0"))
    own_household = _household(registrar, _a_village_under(own), "NEI-0001")
    foreign_household = _household(stranger, foreign[0], "WAI-0001")
    return {
        "cookies": {name: morsel.value for name, morsel in client.cookies.items()},
        "user": user.pk,
        "own": own.code,
        "foreign": [region.code for region in foreign],
        "own_job": own_job.pk,
        "foreign_job": foreign_job.pk,
        "foreign_token": foreign_token.pk,
        "stranger": stranger.pk,
        "colleague": colleague.pk,
        "own_household": own_household.pk,
        "foreign_household": foreign_household.pk,
    }


def _scene_of(keys: dict) -> Scene:
    """A scene of rows built before: every object read afresh, a client of its own logged
    in with the user's session (what a probe does to either stays with its test)."""
    User = get_user_model()
    client = MaskingClient()
    for name, value in keys["cookies"].items():
        client.cookies[name] = value
    regions = Region.objects.in_bulk([keys["own"], *keys["foreign"]])
    own_household = Household.objects.get(pk=keys["own_household"])
    client.personal_values = [
        *own_household.members.values_list("id_number", flat=True),
        PHONE,
        BANK_ACCOUNT,
    ]
    return Scene(
        client,
        User.objects.get(pk=keys["user"]),
        regions[keys["own"]],
        [regions[code] for code in keys["foreign"]],
        Job.objects.get(pk=keys["own_job"]),
        Job.objects.get(pk=keys["foreign_job"]),
        ApiToken.objects.get(pk=keys["foreign_token"]),
        User.objects.get(pk=keys["stranger"]),
        User.objects.get(pk=keys["colleague"]),
        own_household,
        Household.objects.get(pk=keys["foreign_household"]),
    )


PHONE, BANK_ACCOUNT = "13912345678", "6228480012345678"
# The routes whose answer is a full personal value: each look is logged (checked above).
REVEAL_ROUTES = {
    "fund_payment_reveal",
    "ledger_entry_reveal",
    "member_reveal",
    "member_id_number",
    "household_contact_reveal",
    "household_reveal",
}


def _household(user, village: Region, number: str) -> Household:
    return household_register(
        acting_user=user,
        village_code=village.code,
        number=number,
        attributes={"phone": PHONE, "bank_account": BANK_ACCOUNT},
        members=family(county=village.code[:6]),
    )


class MaskingClient(Client):
    """Every page and API answer of the walk is read for full personal numbers: the
    user's own household's ID numbers, phone and bank account appear only masked (the
    one way to see them is the logged reveal, a POST that this walk does not take)."""

    def request(self, **request):
        reveals = AccessLog.objects.filter(kind=AccessKind.REVEAL).count()
        response = super().request(**request)
        full = getattr(self, "personal_values", ())
        if full and not getattr(response, "streaming", False):
            body = response.content.decode("utf-8", "replace")
            shown = [value for value in full if value in body]
            if shown:  # only a reveal shows a full value, and it is logged
                path = request.get("PATH_INFO")
                assert resolve(path).url_name in REVEAL_ROUTES, f"{path} shows {shown}"
                assert AccessLog.objects.filter(kind=AccessKind.REVEAL).count() > reveals
        return response


def _a_village_under(region: Region) -> Region:
    return Region.objects.filter(code__startswith=region.prefix, level="village").first()


ROUTE_NAMES = sorted(PROBES)
SCENE_ROLES = {
    "village": (Role.VILLAGE, "411421101201"),
    "county": (Role.COUNTY_OFFICE, MINQUAN),
    "township-auditor": (Role.AUDITOR, RENHE),
}


@pytest.fixture(scope="module", params=list(SCENE_ROLES))
def built_scene(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """One scene per role for all ~250 routes, not one per route: built once in a
    transaction that is rolled back after the role's tests (conftest.rows_for_a_module);
    each probe runs in a savepoint of it, so what one probe changes the next never sees."""
    media = tmp_path_factory.mktemp("scene-media")
    with rows_for_a_module(django_db_blocker, media) as building:
        with building():
            counter = iter(range(1, 10_000))

            def make_user(role, region_code):
                return user_create(
                    acting_user=None,
                    username=f"{role}{next(counter)}",
                    password="Shangqiu#2018",
                    role=role,
                    region=Region.objects.get(code=region_code),
                    department="",
                )

            keys = _scene_build(make_user, *SCENE_ROLES[request.param])
        yield keys, media


@pytest.fixture
def scene(built_scene, db):
    keys, media = built_scene
    copy_module_media(media)
    return _scene_of(keys)


@pytest.mark.parametrize("name", ROUTE_NAMES)
def test_route_keeps_to_the_users_region(scene, name):
    PROBES[name](scene)


def test_admin_is_closed_to_region_users(scene):
    admin_route(scene)
