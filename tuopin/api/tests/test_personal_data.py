"""Contract: no API operation hands a full ID number, certificate, phone or bank account to
anyone, except a reveal, which needs `person.reveal` in the row's region and is logged.

The operations and their response schemas are read from the OpenAPI document, not listed
by hand: every operation must have a call below, and every property whose name can carry
a personal number must be seen filled, and masked, in a real answer to a demo role. A new
operation, or a new such field in any response schema, fails here until it is handled.
"""

import base64
import functools
import json
import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from conftest import SUIXIAN
from tuopin.accounts.demo import demo_users_ensure
from tuopin.accounts.roles import ROLE_PERMISSIONS, Permission, Role
from tuopin.accounts.selectors import user_assignments
from tuopin.api.main import api
from tuopin.audit.models import AccessKind, AccessLog
from tuopin.audit.services import access_log_record
from tuopin.cases.models import CaseEvent, OutsideRecord
from tuopin.cases.selectors import case_actions
from tuopin.cases.services import case_propose
from tuopin.core.models import Job
from tuopin.people.tests.helpers_factories import PNG
from tuopin.registry.idnumbers import make_id_number
from tuopin.registry.models import Household, Member
from tuopin.registry.services import household_register

# Property names that can hold a personal number. Deliberately wider than the API's own
# list (tuopin/api/masking.py): a new "payee_card" or "contact_tel" must be caught here.
# (bank_name, the bank's name, is not personal.)
PERSONAL_NAME = re.compile(
    r"id_number|id_card|certificate|passport|account|bank_card|card_no|payee|phone|mobile"
    r"|tel(?:$|_)"
)

# Free-form objects in a response cannot be checked by property name. Each is listed with
# why it is safe; the full-value scan below covers them all the same.
FREE_FORM = {
    "JobOut.result": "a job's summary; passed through mask_tree (named fields and free text)",
    "TeamAttendanceOut.days": "day of the month -> attendance status (present, leave, absent)",
    "DisclosureDetail.rows": "a notice's cells as posted: masked before they were stored",
}

# Operations that answer full values: they must need person.reveal and write the log.
REVEALS = {
    ("post", "/api/v1/members/{member_id}/reveal"),
    ("post", "/api/v1/households/{household_id}/reveal"),
    ("get", "/api/v1/members/{member_id}/id-number"),
}

# The demo users (tuopin/accounts/demo.py) by user name, with their roles.
DEMO_USERS = {
    "city": Role.CITY_OFFICE,
    "county": Role.COUNTY_OFFICE,
    "township": Role.TOWNSHIP,
    "village": Role.VILLAGE,
    "sector": Role.SECTOR,
    "inspector": Role.INSPECTOR,
    "hotline": Role.HOTLINE,
    "auditor": Role.AUDITOR,
}
DEMO_ROLES = list(DEMO_USERS)


@functools.cache
def openapi() -> dict:
    # Built once per test process: the routes are fixed at import, and building the
    # document takes a fifth of a second, which the walk below would pay per operation.
    return api.get_openapi_schema(path_prefix="/api/v1/")


def operations() -> list[tuple[str, str]]:
    return [(method, path) for path, ops in openapi()["paths"].items() for method in ops]


def _walk(schema, components, path, owner, found, seen):
    """Collect (path, kind) for personal properties ('personal') and free-form objects."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return
        _walk(components[name], components, path, name, found, seen | {name})
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            _walk(sub, components, path, owner, found, seen)
    if "items" in schema:
        _walk(schema["items"], components, (*path, "[]"), owner, found, seen)
    properties = schema.get("properties")
    if properties:
        for name, sub in properties.items():
            if PERSONAL_NAME.search(name):
                found.add(((*path, name), "personal", f"{owner}.{name}"))
            _walk(sub, components, (*path, name), owner, found, seen)
    elif schema.get("type") == "object":
        found.add((path, "free", f"{owner}.{path[-1] if path else ''}"))


def personal_fields(method: str, path: str) -> set[tuple]:
    """Every personal property and free-form object any response of the operation has."""
    document = openapi()
    components = document["components"]["schemas"]
    found: set[tuple] = set()
    for response in document["paths"][path][method]["responses"].values():
        for content in response.get("content", {}).values():
            _walk(content["schema"], components, (), "", found, frozenset())
    return found


def values_at(body, path: tuple):
    """The values found at a schema path ('[]' walks a list) in a JSON body."""
    if not path:
        yield body
        return
    head, rest = path[0], path[1:]
    if head == "[]":
        for item in body if isinstance(body, list) else []:
            yield from values_at(item, rest)
    elif isinstance(body, dict) and head in body:
        yield from values_at(body[head], rest)


# ------------------------------------------------------------------ the demo registry


def _person(sequence: int, sex: str = "1", born=date(1966, 4, 2), **fields) -> dict:
    number = make_id_number("411421", born, sequence, sex)
    return {
        "name": f"测试{sequence}",
        "sex": sex,
        "relation": "02",
        "birth_date": born,
        "id_number": number,
        **fields,
    }


class World:
    """Demo users (one per role) and personal data in the demo village, every value
    remembered in full so that an answer can be searched for it."""

    def __init__(self, make_user):
        demo_users_ensure()
        users = get_user_model().objects.filter(username__in=DEMO_ROLES)
        self.users = {user.username: user for user in users}
        assert {u: self.users[u].assignments.get().role for u in DEMO_USERS} == DEMO_USERS
        self.village = user_assignments(self.users["village"])[0].region_id
        county = self.users["county"]
        head = _person(11)
        daughter = _person(12, "2", date(1994, 6, 1), relation="30")
        daughter.update(is_disabled=True, disability_certificate=daughter["id_number"] + "41")
        self.household = household_register(
            acting_user=county,
            village_code=self.village,
            number="P0001",
            attributes={
                "phone": "13812345678",
                "bank_name": "中国农业银行",
                "bank_account": "6228480012345678901",
            },
            members=[head, daughter],
        )
        self.member = Member.objects.get(household=self.household, relation="30")
        # A second household whose disabled member takes the events (moving out, ...).
        mover = _person(13, "2", date(1990, 2, 3))
        mover.update(is_disabled=True, disability_certificate=mover["id_number"] + "52")
        self.mover_household = household_register(
            acting_user=county,
            village_code=self.village,
            number="P0002",
            attributes={"phone": "13912345670", "bank_account": "6217000011112222333"},
            members=[mover],
        )
        self.mover = Member.objects.get(household=self.mover_household)
        # An identification proposed by a second village cadre, so that the demo village
        # user may act on it (nobody approves their own proposal).
        applicant = _person(14, born=date(1972, 9, 9))
        applicant["disability_certificate"] = applicant["id_number"] + "61"
        applicant["birth_date"] = applicant["birth_date"].isoformat()
        OutsideRecord.objects.create(
            source="car",
            id_number=applicant["id_number"],
            name=applicant["name"],
            detail=f"豫N·12345 车主 {applicant['id_number']}",
        )
        self.case = case_propose(
            acting_user=make_user(Role.VILLAGE, self.village),
            kind="identification",
            year=2019,
            region_code=self.village,
            reason="申请人电话 13700001111",
            payload={
                "number": "P0100",
                "members": [applicant],
                "attributes": {"phone": "13700002222", "bank_account": "6217001234567890"},
            },
        )
        # A finished import whose summary quotes the number it refused, and a log entry
        # whose detail quotes a phone.
        self.job = Job.objects.create(
            kind="registry.import",
            owner=county,
            region_code=self.village,
            status="done",
            message=f"第 3 行：{head['id_number']} 已登记",
            result={"errors": [{"row": 3, "message": f"身份证号码{head['id_number']}重复"}]},
            finished_at=timezone.now(),
        )
        access_log_record(
            kind=AccessKind.EXPORT,
            user=county,
            region_code=self.village,
            detail="导出 联系电话 13812345678",
        )
        # A ledger row of the household (every office role reads it), paid to a card.
        from tuopin.assistance.models import Payment

        head_member = Member.objects.get(household=self.household, relation="02")
        self.payment = Payment.objects.create(
            region_id=self.village,
            year=2018,
            id_number=head["id_number"],
            name=head["name"],
            household_number=self.household.number,
            household=self.household,
            member=head_member,
            kind="pv_income",
            period="2018",
            amount="1000.00",
            account="6228480099998888777",
            note=f"收款人 {head['id_number']}",
        )
        people = self._people(head_member)
        self.full = {
            *people,
            "6228480099998888777",
            head["id_number"],
            daughter["id_number"],
            daughter["disability_certificate"],
            mover["id_number"],
            mover["disability_certificate"],
            applicant["id_number"],
            applicant["disability_certificate"],
            "13812345678",
            "6228480012345678901",
            "13912345670",
            "6217000011112222333",
            "13700001111",
            "13700002222",
            "6217001234567890",
        }

    def _people(self, head_member) -> set[str]:
        """The people app's rows in the demo village: a work team (a cadre posted now, one
        recalled, a month's attendance), a helper paired with the household and a visit
        with a photo, a weak branch, an enterprise paired with the village, a workshop
        with an employee, ratings and a training course. Answers the full values."""
        from tuopin.people.models import (
            Attendance,
            Enterprise,
            EnterprisePairing,
            Pairing,
            PairingBeneficiary,
            PairingProject,
            Posting,
            TrainingAttendance,
            TrainingCourse,
            WeakBranch,
            Workshop,
            WorkshopEmployee,
            WorkTeam,
        )
        from tuopin.people.ratings_services import rating_propose
        from tuopin.people.visits_services import PhotoData, visit_record
        from tuopin.registry.models import Helper

        village_user, county_code = self.users["village"], self.village[:6] + "000000"
        cadre = _person(21, born=date(1978, 3, 4))["id_number"]
        recalled = _person(22, "2", date(1981, 7, 8))["id_number"]
        employee = _person(23, born=date(1988, 8, 8))["id_number"]
        beneficiary = _person(24, "2", date(1970, 1, 1))["id_number"]
        self.helper = Helper.objects.create(
            region_id=county_code, name="王干部", id_number=cadre, phone="13512340001"
        )
        former = Helper.objects.create(
            region_id=county_code, name="李干部", id_number=recalled, phone="13512340002"
        )
        self.team = WorkTeam.objects.create(
            village_id=self.village, sending_unit="县委办", started_on=date(2018, 1, 1)
        )
        posting = Posting.objects.create(
            team=self.team, cadre=self.helper, role="secretary", started_on=date(2018, 1, 1)
        )
        Posting.objects.create(
            team=self.team,
            cadre=former,
            role="member",
            started_on=date(2018, 1, 1),
            ended_on=date(2018, 6, 30),
            recalled_reason="工作调动",
        )
        Attendance.objects.create(posting=posting, day=date(2019, 3, 1), status="present")
        Attendance.objects.create(
            posting=posting, day=date(2019, 3, 4), status="leave", reason="病假，电话 13512340003"
        )
        Pairing.objects.create(
            helper=self.helper,
            household=self.household,
            region_code=self.village,
            started_on=date(2018, 1, 1),
        )
        self.visit, _created = visit_record(
            acting_user=village_user,
            household=self.household,
            visited_on=date(2019, 3, 2),
            title="入户走访",
            content="户主新手机号 13512340004",
            helper=self.helper,
            photos=[PhotoData("door.png", PNG)],
        )
        self.photo = self.visit.photos.get()
        WeakBranch.objects.create(
            village_id=self.village, year=2019, reasons="班子不团结", leader=self.helper
        )
        enterprise = Enterprise.objects.create(
            name="龙头企业",
            credit_code="91411421MA3X5Q2K0L",
            legal_representative="赵某",
            region_id=county_code,
            is_leading=True,
        )
        pairing = EnterprisePairing.objects.create(
            enterprise=enterprise, village_id=self.village, form="2", started_on=date(2018, 5, 1)
        )
        PairingProject.objects.create(pairing=pairing, name="大棚", money="1000.00")
        PairingBeneficiary.objects.create(
            pairing=pairing, name="受益人", id_number=beneficiary, kind="1"
        )
        self.workshop = Workshop.objects.create(
            name="扶贫车间", operator=enterprise, village_id=self.village, type="1"
        )
        WorkshopEmployee.objects.create(
            workshop=self.workshop,
            name="务工人员",
            id_number=employee,
            contract_start=date(2018, 3, 1),
            monthly_wage="2000.00",
        )
        WorkshopEmployee.objects.create(
            workshop=self.workshop,
            name=head_member.name,
            id_number=head_member.id_number,
            member=head_member,
            contract_start=date(2018, 3, 1),
        )
        self.rating = rating_propose(
            acting_user=village_user, household=self.household, year=2018, stars={}
        )
        self.rating_to_return = rating_propose(
            acting_user=village_user, household=self.mover_household, year=2018, stars={}
        )
        self.course = TrainingCourse.objects.create(
            region_id=county_code,
            name="扶贫干部培训班",
            start_date=date(2019, 4, 1),
            end_date=date(2019, 4, 3),
            hours="16.0",
        )
        TrainingAttendance.objects.create(course=self.course, helper=self.helper, attended=True)
        phones = {"13512340001", "13512340002", "13512340003", "13512340004"}
        return {cadre, recalled, employee, beneficiary, *phones}

    def client(self, role: str) -> Client:
        client = Client()
        client.force_login(self.users[role])
        return client

    def new_values(self, *values: str) -> None:
        """Values a call is about to write: they must come back masked too."""
        self.full.update(value for value in values if value)


# A call of each operation for one role: (url, JSON body or None). `n` tells the roles
# apart where a write needs values of its own.


def _new_household(world: World, role: str, n: int):
    person = _person(100 + n)
    person.update(is_disabled=True, disability_certificate=person["id_number"] + "43")
    phone, account = f"1350000{n:04d}", f"62284800000{n:08d}"
    world.new_values(person["id_number"], person["disability_certificate"], phone, account)
    return "/api/v1/households", {
        "village_code": world.village,
        "number": f"R{n:04d}",
        "phone": phone,
        "bank_account": account,
        "members": [{**person, "birth_date": person["birth_date"].isoformat()}],
    }


def _new_member(world: World, role: str, n: int):
    person = _person(200 + n, "2", date(1985, 1, 5), relation="99")
    person.update(is_disabled=True, disability_certificate=person["id_number"] + "31")
    world.new_values(person["id_number"], person["disability_certificate"])
    body = {**person, "birth_date": "1985-01-05", "event": "move_in"}
    return f"/api/v1/households/{world.household.pk}/members", body


def _household_patch(world: World, role: str, n: int):
    phone = f"1360000{n:04d}"
    world.new_values(phone)
    version = Household.objects.get(pk=world.household.pk).version
    return f"/api/v1/households/{world.household.pk}", {"version": version, "phone": phone}


def _member_patch(world: World, role: str, n: int):
    version = Member.objects.get(pk=world.member.pk).version
    return f"/api/v1/members/{world.member.pk}", {"version": version, "work_months": n}


def _new_case(world: World, role: str, n: int):
    person = _person(300 + n, born=date(1975, 3, 3))
    person["disability_certificate"] = person["id_number"] + "11"
    phone, account = f"1370000{n:04d}", f"62170000000{n:08d}"
    world.new_values(person["id_number"], person["disability_certificate"], phone, account)
    return "/api/v1/cases", {
        "kind": "identification",
        "year": 2019,
        "region_code": world.village,
        "reason": "识别申请",
        "payload": {
            "number": f"Q{n:04d}",
            "members": [{**person, "birth_date": person["birth_date"].isoformat()}],
            "attributes": {"phone": phone, "bank_account": account},
        },
    }


def _case_action(world: World, role: str, n: int):
    allowed = case_actions(world.users[role], world.case)
    action = "approve" if "approve" in allowed or not allowed else allowed[0]
    world.new_values("13600009999")
    body = {"action": action, "comment": "已电话核实 13600009999"}
    return f"/api/v1/cases/{world.case.pk}/actions", body


def _case_attachment(world: World, role: str, n: int):
    """A step this role recorded, and its photo (a multipart upload, see `call`)."""
    event = CaseEvent.objects.create(
        case=world.case,
        actor=world.users[role],
        action="comment",
        from_status="open",
        to_status="open",
    )
    photo = SimpleUploadedFile("board.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    return f"/api/v1/cases/{world.case.pk}/events/{event.pk}/attachment", {"file": photo}


def _new_visit(world: World, role: str, n: int):
    world.new_values("13500009999")
    return "/api/v1/visits", {
        "household_id": world.household.pk,
        "visited_on": "2019-04-02",
        "title": "回访",
        "helper_id": world.helper.pk,
        "content": "户主电话 13500009999",
        "photos": [{"name": "yard.png", "data_base64": base64.b64encode(PNG).decode()}],
        "token": f"visit-token-{n:04d}",
    }


def _rating_return(world: World, role: str, n: int):
    world.new_values("13500008888")
    body = {"reason": "请核实，户主电话 13500008888"}
    return f"/api/v1/ratings/{world.rating_to_return.pk}/return", body


def _get(url):
    """A read of a URL built from the world (ids, the village)."""
    return lambda w, r, n: (url.format(w=w), None)


PEOPLE_CALLS = {
    ("get", "/api/v1/branches"): _get("/api/v1/branches?region={w.village}"),
    ("get", "/api/v1/enterprises"): _get("/api/v1/enterprises"),
    ("get", "/api/v1/helpers"): _get("/api/v1/helpers"),
    ("get", "/api/v1/pairings"): _get("/api/v1/pairings?household_id={w.household.pk}"),
    ("get", "/api/v1/ratings"): _get("/api/v1/ratings"),
    ("get", "/api/v1/ratings/{rating_id}"): _get("/api/v1/ratings/{w.rating.pk}"),
    ("get", "/api/v1/teams"): _get("/api/v1/teams"),
    ("get", "/api/v1/teams/{team_id}"): _get("/api/v1/teams/{w.team.pk}"),
    ("get", "/api/v1/teams/{team_id}/attendance"): _get(
        "/api/v1/teams/{w.team.pk}/attendance?month=2019-03"
    ),
    ("get", "/api/v1/trainings"): _get("/api/v1/trainings"),
    ("get", "/api/v1/trainings/{course_id}"): _get("/api/v1/trainings/{w.course.pk}"),
    ("get", "/api/v1/visit-photos/{photo_id}"): _get("/api/v1/visit-photos/{w.photo.pk}"),
    ("get", "/api/v1/visits"): _get("/api/v1/visits"),
    ("get", "/api/v1/visits/{visit_id}"): _get("/api/v1/visits/{w.visit.pk}"),
    ("get", "/api/v1/workshops"): _get("/api/v1/workshops"),
    ("get", "/api/v1/workshops/{workshop_id}/employees"): _get(
        "/api/v1/workshops/{w.workshop.pk}/employees"
    ),
    # Proposing, confirming and returning: the roles that may not are refused; the second
    # confirmation or return of the same rating is refused too (it is no longer proposed).
    ("post", "/api/v1/ratings"): lambda w, r, n: (
        "/api/v1/ratings",
        {"household_id": w.household.pk, "year": 2019, "stars": {"勤劳致富星": n % 2 == 0}},
    ),
    ("post", "/api/v1/ratings/{rating_id}/confirm"): lambda w, r, n: (
        f"/api/v1/ratings/{w.rating.pk}/confirm",
        None,
    ),
    ("post", "/api/v1/ratings/{rating_id}/return"): _rating_return,
    ("post", "/api/v1/visits"): _new_visit,
}


def _fund_world(world: World):
    """A fund of the demo county disbursed to a project of the demo village and paid to
    the world's member into the household's account (made once per world)."""
    if getattr(world, "fund", None) is None:
        from tuopin.projects.models import Disbursement, Fund, FundPayment, Project

        county = world.village[:6].ljust(12, "0")
        project = Project.objects.create(
            county_id=county, region_id=world.village, code="P-API", year=2019, name="项目",
            category="industry", nature="new", unit="单位", person="某人", tasks="任务",
            amount=1000, targets="目标", stage="implementing",
        )  # fmt: skip
        world.fund = Fund.objects.create(
            document="财农〔2019〕1号", name="资金", nature="special", level="central",
            year=2019, amount=1000, region_id=county, received_on=date(2019, 1, 5),
        )  # fmt: skip
        spent = Disbursement.objects.create(fund=world.fund, region_id=county, project=project,
                                            amount=500, disbursed_on=date(2019, 2, 1))  # fmt: skip
        FundPayment.objects.create(
            disbursement=spent, fund=world.fund, project=project, region_id=world.village,
            payee_kind="person", payee=world.member.name, id_number=world.member.id_number,
            account=world.household.bank_account, household=world.household,
            member=world.member, item="产业奖补", amount=100, paid_on=date(2019, 3, 1),
        )  # fmt: skip
    return world.fund


def _fund_warning(world: World):
    """A warning on the world's payment (a round amount, say), found once per world."""
    if getattr(world, "warning", None) is None:
        from django.utils import timezone

        from tuopin.projects.models import FundPayment, FundWarning

        _fund_world(world)
        payment = FundPayment.objects.get(fund=world.fund)
        now = timezone.now()
        world.warning = FundWarning.objects.create(
            rule="round_amount", subject=f"payment:{payment.pk}", region_id=payment.region_id,
            severity="low", amount=payment.amount, detail="整数金额", fund=world.fund,
            project=payment.project, payment=payment, first_seen=now, last_seen=now,
            due_on=date(2019, 4, 1),
        )  # fmt: skip
    return world.warning


def _fund_warning_action(w, r, n):
    evidence = SimpleUploadedFile("说明.pdf", b"%PDF-1.4 note", content_type="application/pdf")
    url = f"/api/v1/funds/warnings/{_fund_warning(w).pk}/actions"
    return url, {"action": "explain", "note": f"合同约定整数支付 {n}", "evidence": evidence}


FUNDS_CALLS = {
    ("get", "/api/v1/funds/warnings"): lambda w, r, n: (
        _fund_warning(w) and "/api/v1/funds/warnings",
        None,
    ),
    ("get", "/api/v1/funds/warnings/{warning_id}"): lambda w, r, n: (
        f"/api/v1/funds/warnings/{_fund_warning(w).pk}",
        None,
    ),
    ("post", "/api/v1/funds/warnings/{warning_id}/actions"): _fund_warning_action,
    ("get", "/api/v1/funds"): lambda w, r, n: (_fund_world(w) and "/api/v1/funds", None),
    ("get", "/api/v1/funds/{fund_id}"): lambda w, r, n: (
        f"/api/v1/funds/{_fund_world(w).pk}",
        None,
    ),
    ("get", "/api/v1/funds/payments"): lambda w, r, n: (
        _fund_world(w) and "/api/v1/funds/payments",
        None,
    ),
}


def _project(world: World):
    """A project of the demo village (the project library), made on first use."""
    from decimal import Decimal

    from tuopin.projects.models import Project

    return Project.objects.filter(region_id=world.village).first() or Project.objects.create(
        county_id=world.village[:6].ljust(12, "0"),
        region_id=world.village,
        code="API-1",
        year=2019,
        name="村级道路",
        category="infrastructure",
        nature="new",
        unit="村委会",
        person="王建设",
        tasks="硬化道路，联系人 13700001111",
        amount=Decimal("1000"),
    )


PROJECT_CALLS = {
    ("get", "/api/v1/projects"): lambda w, r, n: (_project(w) and "/api/v1/projects", None),
    ("get", "/api/v1/projects/{project_id}"): lambda w, r, n: (
        f"/api/v1/projects/{_project(w).pk}",
        None,
    ),
    ("get", "/api/v1/projects/{project_id}/steps"): lambda w, r, n: (
        f"/api/v1/projects/{_project(w).pk}/steps",
        None,
    ),
}


def _disclosure(detail: bool):
    """A notice of the world's household's people (masked when posted), then the call."""

    def make(w, r, n):
        from tuopin.projects.disclosure_services import disclosure_post
        from tuopin.regions.models import Region

        notice = disclosure_post(
            acting_user=None,
            check_access=False,
            kind="subsidies",
            region=Region.objects.get(code=w.village),
            title="补助发放名单",
            starts_on=date.today(),
            columns=["姓名", "身份证号"],
            rows=[list(m) for m in w.household.members.values_list("name", "id_number")],
            personal={0: "name", 1: "id_number"},
        )
        url = "/api/v1/projects/disclosures"
        return (f"{url}/{notice.pk}" if detail else url), None

    return make


PROJECTS_CALLS = {
    ("get", "/api/v1/projects/disclosures"): _disclosure(detail=False),
    ("get", "/api/v1/projects/disclosures/{disclosure_id}"): _disclosure(detail=True),
}


CALLS = {
    **FUNDS_CALLS,
    ("get", "/api/v1/me"): lambda w, r, n: ("/api/v1/me", None),
    ("get", "/api/v1/regions"): lambda w, r, n: ("/api/v1/regions?q=41", None),
    ("get", "/api/v1/regions/{code}"): lambda w, r, n: (f"/api/v1/regions/{w.village}", None),
    ("get", "/api/v1/regions/{code}/children"): lambda w, r, n: (
        f"/api/v1/regions/{w.village[:9]}000/children",
        None,
    ),
    ("get", "/api/v1/jobs"): lambda w, r, n: ("/api/v1/jobs", None),
    ("post", "/api/v1/jobs"): lambda w, r, n: (
        "/api/v1/jobs",
        {"kind": "registry.quality", "region_code": w.village},
    ),
    ("get", "/api/v1/jobs/{job_id}"): lambda w, r, n: (f"/api/v1/jobs/{w.job.pk}", None),
    ("get", "/api/v1/audit/access-log"): lambda w, r, n: ("/api/v1/audit/access-log", None),
    ("get", "/api/v1/households"): lambda w, r, n: ("/api/v1/households?q=P", None),
    ("post", "/api/v1/households"): _new_household,
    ("get", "/api/v1/households/{household_id}"): lambda w, r, n: (
        f"/api/v1/households/{w.household.pk}",
        None,
    ),
    ("patch", "/api/v1/households/{household_id}"): _household_patch,
    ("post", "/api/v1/households/{household_id}/members"): _new_member,
    ("get", "/api/v1/members"): lambda w, r, n: (f"/api/v1/members?region={w.village}", None),
    ("get", "/api/v1/members/{member_id}"): lambda w, r, n: (
        f"/api/v1/members/{w.member.pk}",
        None,
    ),
    ("patch", "/api/v1/members/{member_id}"): _member_patch,
    ("post", "/api/v1/members/{member_id}/events"): lambda w, r, n: (
        f"/api/v1/members/{w.mover.pk}/events",
        {"kind": "move_out", "date": "2019-05-01", "note": "迁往 13800001111 处"},
    ),
    ("post", "/api/v1/members/{member_id}/reveal"): lambda w, r, n: (
        f"/api/v1/members/{w.member.pk}/reveal",
        None,
    ),
    ("post", "/api/v1/households/{household_id}/reveal"): lambda w, r, n: (
        f"/api/v1/households/{w.household.pk}/reveal",
        {"field": ("phone", "bank_account")[n % 2]},
    ),
    ("get", "/api/v1/members/{member_id}/id-number"): lambda w, r, n: (
        f"/api/v1/members/{w.member.pk}/id-number",
        None,
    ),
    ("get", "/api/v1/cases"): lambda w, r, n: ("/api/v1/cases", None),
    ("post", "/api/v1/cases"): _new_case,
    ("get", "/api/v1/cases/tasks"): lambda w, r, n: ("/api/v1/cases/tasks", None),
    ("get", "/api/v1/cases/{case_id}"): lambda w, r, n: (f"/api/v1/cases/{w.case.pk}", None),
    ("post", "/api/v1/cases/{case_id}/actions"): _case_action,
    ("post", "/api/v1/cases/{case_id}/events/{event_id}/attachment"): _case_attachment,
    ("get", "/api/v1/ledgers"): lambda w, r, n: ("/api/v1/ledgers", None),
    ("get", "/api/v1/ledgers/{kind}/entries"): lambda w, r, n: (
        "/api/v1/ledgers/pv_income/entries",
        None,
    ),
    ("get", "/api/v1/ledgers/{kind}/entries/{entry_id}"): lambda w, r, n: (
        f"/api/v1/ledgers/pv_income/entries/{w.payment.pk}",
        None,
    ),
    ("get", "/api/v1/households/{household_id}/ledgers"): lambda w, r, n: (
        f"/api/v1/households/{w.household.pk}/ledgers",
        None,
    ),
    **PEOPLE_CALLS,
    **PROJECT_CALLS,
    **PROJECTS_CALLS,
}


def call(world: World, role: str, n: int, operation: tuple[str, str]):
    method, _path = operation
    url, body = CALLS[operation](world, role, n)
    client = world.client(role)
    if body is None:
        return getattr(client, method)(url)
    if any(isinstance(value, SimpleUploadedFile) for value in body.values()):
        return getattr(client, method)(url, body)  # multipart
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def test_every_operation_has_a_call_and_every_free_form_object_a_reason():
    """The enumeration itself: a new operation or free-form object fails until handled."""
    assert set(operations()) == set(CALLS), "add a call for each new operation to CALLS"
    free = {owner for op in operations() for _p, kind, owner in personal_fields(*op)}
    assert {owner for owner in free if owner in FREE_FORM} <= set(FREE_FORM)
    for op in operations():
        for _path, kind, owner in personal_fields(*op):
            assert kind == "personal" or owner in FREE_FORM, f"{op}: free-form {owner}"
    # The walk finds what is there today (a check that it can find anything at all).
    found = {owner for _p, _k, owner in personal_fields("get", "/api/v1/cases/{case_id}")}
    assert {"ApplicantOut.id_number", "ProposedHouseholdOut.bank_account"} <= found


@pytest.mark.parametrize("operation", sorted(op for op in CALLS if op not in REVEALS), ids=" ".join)
def test_every_role_gets_personal_values_masked(make_user, operation):
    world = World(make_user)
    fields = {
        path: owner for path, kind, owner in personal_fields(*operation) if kind == "personal"
    }
    seen = {path: 0 for path in fields}
    for n, role in enumerate(DEMO_ROLES, start=1):
        response = call(world, role, n, operation)
        # A file (a visit's photo) is streamed: searched as bytes, it has no fields.
        content = b"".join(response.streaming_content) if response.streaming else None
        assert response.status_code < 500, (role, (content or response.content)[:500])
        text = (content or response.content).decode(errors="replace")
        leaked = sorted(value for value in world.full if value in text)
        assert not leaked, f"{operation} answered {role} with full values {leaked}"
        if response.status_code >= 300 or response.streaming:
            continue
        body = response.json()
        for path, owner in fields.items():
            for value in values_at(body, path):
                if value:
                    assert "*" in value and value not in world.full, (role, owner, value)
                    seen[path] += 1
    unseen = [fields[path] for path, count in seen.items() if not count]
    assert not unseen, f"{operation}: no demo role saw a filled {unseen}; extend World/CALLS"


@pytest.mark.parametrize("operation", sorted(REVEALS), ids=" ".join)
def test_a_reveal_needs_the_right_and_every_answer_and_refusal_is_logged(make_user, operation):
    world = World(make_user)
    fields = [path for path, kind, _o in personal_fields(*operation) if kind == "personal"]
    assert fields, "a reveal answers personal fields"
    row = "member" if "member_id" in operation[1] else "household"
    for n, role in enumerate(DEMO_ROLES, start=1):
        reveals = AccessLog.objects.filter(kind=AccessKind.REVEAL, object_type=row).count()
        denials = AccessLog.objects.filter(kind=AccessKind.DENIED).count()
        response = call(world, role, n, operation)
        # The registry's reveals are for registry readers who may reveal (a sector user
        # reveals ID numbers on the ledger pages and household card only).
        granted = ROLE_PERMISSIONS[DEMO_USERS[role]]
        if {Permission.PERSON_REVEAL, Permission.REGISTRY_VIEW} <= granted:
            assert response.status_code == 200, (role, response.content)
            body = response.json()
            values = [value for path in fields for value in values_at(body, path)]
            assert values and all(value in world.full for value in values if value), values
            entry = AccessLog.objects.filter(kind=AccessKind.REVEAL).first()
            assert entry.username == role and entry.region_code == world.village
            after = AccessLog.objects.filter(kind=AccessKind.REVEAL, object_type=row).count()
            assert after == reveals + 1
        else:
            assert response.status_code == 403, (role, response.content)
            assert response.json()["code"] == "permission_denied"
            assert not any(value in response.content.decode() for value in world.full)
            assert AccessLog.objects.filter(kind=AccessKind.DENIED).count() == denials + 1
    # Outside the caller's regions: the row does not exist for them, and that is logged.
    outsider = Client()
    outsider.force_login(make_user(Role.COUNTY_OFFICE, SUIXIAN))
    url, body = CALLS[operation](world, "county", 0)
    denials = AccessLog.objects.filter(kind=AccessKind.DENIED).count()
    if body is None:
        response = getattr(outsider, operation[0])(url)
    else:
        response = outsider.post(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert AccessLog.objects.filter(kind=AccessKind.DENIED).count() == denials + 1


def test_reveals_are_documented_with_their_refusals():
    document = openapi()
    for method, path in REVEALS:
        operation = document["paths"][path][method]
        assert {"200", "403", "404"} <= {str(code) for code in operation["responses"]}
        assert "person.reveal" in operation["description"]


def test_the_walk_finds_a_personal_field_a_later_schema_might_add():
    """What makes the contract fail for a new schema: its personal or free-form property is
    found wherever it sits (nested, in a list, behind a reference or a union)."""
    components = {
        "Payment": {
            "properties": {
                "payee_account": {"type": "string"},
                "amount": {"type": "number"},
                "extra": {"type": "object", "additionalProperties": True},
            }
        },
        "Page": {
            "properties": {
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/Payment"}},
                "helper": {"anyOf": [{"$ref": "#/components/schemas/Helper"}, {"type": "null"}]},
            }
        },
        "Helper": {"properties": {"contact_tel": {"type": "string"}, "page": {"$ref": "#/x/Page"}}},
    }
    found: set = set()
    _walk({"$ref": "#/components/schemas/Page"}, components, (), "", found, frozenset())
    assert found == {
        (("items", "[]", "payee_account"), "personal", "Payment.payee_account"),
        (("items", "[]", "extra"), "free", "Payment.extra"),
        (("helper", "contact_tel"), "personal", "Helper.contact_tel"),
    }
