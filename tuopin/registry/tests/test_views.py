from decimal import Decimal

from django.test import Client
from django.urls import reverse

from conftest import CITY, MINQUAN, RENHE
from tuopin.accounts.roles import Role
from tuopin.audit.models import AccessKind, AccessLog
from tuopin.registry.enums import PovertyCause, PovertyStatus, Relation
from tuopin.registry.idnumbers import mask_id_number
from tuopin.registry.services import household_register, income_record
from tuopin.registry.tests.factories import family


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def register(user, village, number, members=None, **attributes):
    return household_register(
        acting_user=user,
        village_code=village.code,
        number=number,
        attributes=attributes,
        members=family() if members is None else members,
    )


def test_the_list_filters_searches_and_counts(office, village):
    poor = register(
        office,
        village,
        "0001",
        status=PovertyStatus.NOT_EXITED,
        main_cause=PovertyCause.ILLNESS,
        identified_year=2016,
    )
    register(
        office,
        village,
        "0002",
        status=PovertyStatus.EXITED_WITH_POLICY,
        main_cause=PovertyCause.SCHOOLING,
        identified_year=2014,
    )
    client = login(office)
    page = client.get(reverse("registry:households")).content.decode()
    assert "共 2 户，8 人" in page and "王建国" in page
    only = client.get(reverse("registry:households"), {"status": PovertyStatus.NOT_EXITED})
    assert "0001" in only.content.decode() and "0002" not in only.content.decode()
    by_year = client.get(reverse("registry:households"), {"identified_year": "2014"})
    assert "0002" in by_year.content.decode() and "0001" not in by_year.content.decode()
    son = poor.members.get(relation=Relation.SON)
    typed = son.id_number.lower().replace("1", "１")  # as typed: full-width, lower case
    found = client.get(reverse("registry:households"), {"q": typed}).content.decode()
    assert "共 1 户" in found and "0001" in found
    assert "共 1 户" in client.get(reverse("registry:households"), {"q": "0002"}).content.decode()
    for region in (RENHE, RENHE[:9], MINQUAN, MINQUAN[:6]):  # a full code or its prefix
        by_region = client.get(reverse("registry:households"), {"region": region})
        assert "共 2 户，8 人" in by_region.content.decode(), region


def test_keyset_pages_walk_every_household_once(office, village):
    numbers = [f"{n:04d}" for n in range(1, 56)]
    for number in numbers:
        household_register(
            acting_user=office,
            village_code=village.code,
            number=number,
            attributes={},
            members=family()[:1],
        )
    client = login(office)
    seen, url, params = [], reverse("registry:households"), {}
    while True:
        response = client.get(url, params)
        rows = response.context["rows"]
        seen += [row.number for row in rows]
        if response.context["next_after"] is None:
            break
        params = {"after": response.context["next_after"]}
    assert seen == numbers


def test_the_household_page_masks_ids_and_a_reveal_is_logged(office, village):
    household = register(office, village, "0001")
    income_record(
        acting_user=office,
        household=household,
        year=2018,
        amounts={
            **dict.fromkeys(("business", "property_income", "transfers"), Decimal(0)),
            "wages": Decimal("10000"),
            "production_costs": Decimal("1"),
        },
    )
    client = login(office)
    page = client.get(reverse("registry:household", args=[household.pk])).content.decode()
    head = household.members.get(relation=Relation.HEAD)
    assert head.id_number not in page and mask_id_number(head.id_number) in page
    assert "2499.75" in page  # (10000 - 1) / 4 members
    revealed = client.post(reverse("registry:member_reveal", args=[head.pk]))
    assert head.id_number in revealed.content.decode()
    entry = AccessLog.objects.get(kind=AccessKind.REVEAL)
    assert (entry.object_id, entry.username, entry.region_code) == (
        str(head.pk),
        office.username,
        village.code,
    )


def test_a_role_without_reveal_sees_no_button_and_is_refused(make_user, office, village):
    household = register(office, village, "0001")
    hotline = login(make_user(Role.HOTLINE, CITY))
    page = hotline.get(reverse("registry:household", args=[household.pk])).content.decode()
    assert "reveal-" not in page
    head = household.members.get(relation=Relation.HEAD)
    assert hotline.post(reverse("registry:member_reveal", args=[head.pk])).status_code == 403
    assert not AccessLog.objects.filter(kind=AccessKind.REVEAL).exists()


def test_an_uploaded_file_is_imported_by_a_job_with_its_error_report(office, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tuopin.core.jobs import worker_loop
    from tuopin.core.models import Job, JobStatus
    from tuopin.registry.models import Member
    from tuopin.registry.tests.test_import import SON_ID, family, write_xlsx

    rows = family()
    rows[2]["证件号码"] = SON_ID[:-1] + ("0" if SON_ID[-1] != "0" else "1")
    path = write_xlsx(tmp_path / "upload.xlsx", rows)
    client = login(office)
    response = client.post(
        reverse("registry:import"),
        {
            "file": SimpleUploadedFile("人和镇.xlsx", path.read_bytes()),
            "region": MINQUAN,
            "partial": "on",
        },
    )
    job = Job.objects.get(kind="registry.import")
    assert response["Location"] == reverse("web:job", args=[job.pk])
    worker_loop(once=True, heartbeat=False)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result["errors"] == 1 and job.result["households"]["rejected"] == 1
    assert not Member.objects.exists()
    download = client.get(reverse("web:job_download", args=[job.pk]))
    assert download.status_code == 200 and job.result_name == "导入结果.xlsx"


def test_an_uploaded_xls_is_imported_by_the_job(office, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tuopin.core.jobs import worker_loop
    from tuopin.core.models import Job, JobStatus
    from tuopin.registry.models import Member
    from tuopin.registry.tests.test_import import family
    from tuopin.registry.tests.test_import_edges import write_xls

    path = write_xls(tmp_path / "upload.xls", family())
    client = login(office)
    client.post(
        reverse("registry:import"),
        {"file": SimpleUploadedFile("人和镇.xls", path.read_bytes()), "region": MINQUAN},
    )
    worker_loop(once=True, heartbeat=False)
    job = Job.objects.get(kind="registry.import")
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result["households"]["created"] == 1 and Member.objects.count() == 3


def test_the_import_page_refuses_other_files_and_other_roles(office, make_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(office)
    page = client.post(
        reverse("registry:import"),
        {"file": SimpleUploadedFile("a.pdf", b"%PDF"), "region": MINQUAN},
    ).content.decode()
    assert 'data-testid="error-file"' in page
    hotline = login(make_user(Role.HOTLINE, CITY))
    assert hotline.get(reverse("registry:import")).status_code == 403


def form_data(client, url: str, **changes) -> dict:
    """What the form at `url` would post unchanged, with `changes`."""
    form = client.get(url).context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, bool):
            value = "true" if value else "false"
        data[name] = "" if value is None else value
    data.update(changes)
    return data


def test_a_stale_household_edit_is_refused_and_overwrites_nothing(office, village):
    household = register(office, village, "0001")
    first, second = login(office), login(office)
    url = reverse("registry:household_edit", args=[household.pk])
    form_a, form_b = form_data(first, url), form_data(second, url)
    form_a["phone"] = "13800000001"
    assert first.post(url, form_a).status_code == 302
    form_b["phone"] = "13900000002"
    page = second.post(url, form_b)
    assert page.status_code == 200 and "已被他人修改" in page.content.decode()
    household.refresh_from_db()
    assert household.phone == "13800000001"


def test_a_member_change_is_recorded_from_the_household_page(office, village):
    household = register(office, village, "0001")
    daughter = household.members.get(relation=Relation.DAUGHTER)
    client = login(office)
    client.post(
        reverse("registry:member_event", args=[household.pk]),
        {"member": daughter.pk, "kind": "marriage_out", "date": "2018-05-01", "note": "嫁到睢县"},
    )
    daughter.refresh_from_db()
    assert daughter.status == "4"
    page = client.get(reverse("registry:household", args=[household.pk])).content.decode()
    assert "嫁到睢县" in page


def test_resettlement_is_edited_on_the_form_and_shown_on_the_page(office, village):
    household = register(office, village, "0001")
    client = login(office)
    page_url = reverse("registry:household", args=[household.pk])
    page = client.get(page_url).content.decode()
    relocated = page.split('data-testid="relocated">')[1].split("</dd>")[0]
    assert relocated == "未填"  # unknown, not 否
    url = reverse("registry:household_edit", args=[household.pk])
    form = client.get(url).content.decode()
    for name in ("is_relocated", "relocation_mode", "relocation_moved_in"):
        assert f'name="{name}"' in form, name
    data = form_data(client, url, is_relocated="true", relocation_mode="2")
    data["relocation_moved_in"] = "false"
    assert client.post(url, data).status_code == 302
    household.refresh_from_db()
    assert (household.is_relocated, household.relocation_mode) == (True, "2")
    assert household.relocation_moved_in is False
    page = client.get(page_url).content.decode()
    assert "是（分散安置）" in page
    assert page.split('data-testid="relocation-moved-in">')[1].startswith("否")
