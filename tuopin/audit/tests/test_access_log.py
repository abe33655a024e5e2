"""The access log: what is recorded, that it cannot be changed, and who may read it."""

import re
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import Client
from django.urls import reverse

from conftest import CITY, MINQUAN, RENHE, SUIXIAN, first_village, other_county_village
from tuopin.accounts.roles import Role
from tuopin.accounts.services import assignment_grant
from tuopin.audit.models import AccessKind, AccessLog
from tuopin.audit.selectors import access_log_for_user
from tuopin.audit.services import access_log_record
from tuopin.core.jobs import job_claim_next, job_run
from tuopin.core.models import JobStatus
from tuopin.core.services import job_enqueue
from tuopin.regions.models import Region

PASSWORD = "Shangqiu#2018"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def login(client, username, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def entries(**filters):
    return list(AccessLog.objects.filter(**filters).order_by("id"))


@pytest.fixture
def village(shangqiu):
    return first_village(RENHE)


@pytest.fixture
def cadre(make_user, village):
    return make_user(Role.VILLAGE, village.code, username="cadre", password=PASSWORD)


# ---------------------------------------------------------------- what is recorded


def test_a_login_is_recorded_under_the_user_region(cadre, village):
    client = Client()
    response = login(client, "cadre")
    assert response.status_code == 302

    [entry] = entries(kind=AccessKind.LOGIN)
    assert entry.user_id == cadre.pk
    assert entry.username == "cadre"
    assert entry.region_code == village.code
    assert entry.ip_address == "127.0.0.1"
    assert entry.path == reverse("accounts:login")


def test_a_failed_login_of_a_known_user_is_filed_under_that_user_region(cadre, village):
    login(Client(), "cadre", "Wrong#Password1")
    [entry] = entries(kind=AccessKind.LOGIN_FAILED)
    assert entry.username == "cadre"
    assert entry.user_id is None
    assert entry.region_code == village.code
    assert not entries(kind=AccessKind.LOGIN)


def test_a_failed_login_of_an_unknown_name_has_no_region(db):
    login(Client(), "ghost", "Wrong#Password1")
    [entry] = entries(kind=AccessKind.LOGIN_FAILED)
    assert entry.username == "ghost"
    assert entry.region_code == ""
    # The password tried is never written anywhere.
    assert "Wrong#Password1" not in " ".join([entry.detail, entry.path, entry.object_id])


def test_a_lockout_is_recorded(cadre, village):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "cadre", "Wrong#Password1")
    login(client, "cadre")
    locked = entries(kind=AccessKind.LOCKED_OUT)
    assert locked
    assert {entry.region_code for entry in locked} == {village.code}
    assert not entries(kind=AccessKind.LOGIN)


def test_a_logout_is_recorded(cadre, village):
    client = Client()
    login(client, "cadre")
    client.post(reverse("accounts:logout"))
    [entry] = entries(kind=AccessKind.LOGOUT)
    assert (entry.user_id, entry.username, entry.region_code) == (cadre.pk, "cadre", village.code)


def test_an_out_of_scope_region_page_is_a_404_and_a_denied_entry(cadre):
    client = Client()
    client.force_login(cadre)

    hidden = client.get(reverse("web:region", args=[SUIXIAN]))
    missing = client.get(reverse("web:region", args=["411421999999"]))

    assert hidden.status_code == missing.status_code == 404

    # Nothing tells a hidden region from a missing one (but the per-render CSRF token).
    def normalised(response, code: str) -> bytes:
        body = response.content.replace(code.encode(), b"<code>")
        return re.sub(rb"[A-Za-z0-9]{64}", b"<csrf>", body)

    assert normalised(hidden, SUIXIAN) == normalised(missing, "411421999999")
    [entry] = entries(kind=AccessKind.DENIED)
    assert entry.username == "cadre"
    assert entry.user_id == cadre.pk
    assert (entry.object_type, entry.object_id) == ("region", SUIXIAN)
    assert entry.path == reverse("web:region", args=[SUIXIAN])


def test_a_missing_permission_is_a_403_and_a_denied_entry(cadre, village):
    client = Client()
    client.force_login(cadre)
    response = client.get(reverse("audit:access_log"))
    assert response.status_code == 403
    [entry] = entries(kind=AccessKind.DENIED)
    assert entry.username == "cadre"
    assert entry.region_code == village.code
    assert "audit.view" in entry.detail


def finished_export(owner, region_code):
    job_enqueue(acting_user=owner, kind="regions.export", region_code=region_code)
    job = job_run(job_claim_next("audit-test:1"), heartbeat=False)
    assert job.status == JobStatus.SUCCEEDED, job.error
    return job


def test_downloading_a_job_result_is_recorded_as_an_export(make_user):
    office = make_user(Role.COUNTY_OFFICE, MINQUAN, username="office")
    job = finished_export(office, MINQUAN)
    client = Client()
    client.force_login(office)

    response = client.get(reverse("web:job_download", args=[job.pk]))

    assert response.status_code == 200
    content = b"".join(response.streaming_content)  # consuming it closes the file
    assert content[:2] == b"PK"  # an xlsx is a zip file
    [entry] = entries(kind=AccessKind.EXPORT)
    assert entry.username == "office"
    assert entry.region_code == MINQUAN
    assert (entry.object_type, entry.object_id) == ("job", str(job.pk))
    assert job.result_name in entry.detail


def test_a_download_outside_the_scope_is_denied_not_exported(make_user):
    owner = make_user(Role.COUNTY_OFFICE, MINQUAN)
    job = finished_export(owner, MINQUAN)
    stranger = make_user(Role.COUNTY_OFFICE, SUIXIAN, username="stranger")
    client = Client()
    client.force_login(stranger)

    response = client.get(reverse("web:job_download", args=[job.pk]))

    assert response.status_code == 404
    assert not entries(kind=AccessKind.EXPORT)
    [entry] = entries(kind=AccessKind.DENIED)
    assert (entry.username, entry.object_type, entry.object_id) == ("stranger", "job", str(job.pk))


# ---------------------------------------------------------------- append-only


@pytest.fixture
def entry(cadre):
    return access_log_record(kind=AccessKind.REVEAL, user=cadre, object_type="person")


def test_saving_an_existing_entry_is_refused(entry):
    entry.detail = "tampered"
    with pytest.raises(PermissionError):
        entry.save()
    assert AccessLog.objects.get(pk=entry.pk).detail == ""


def test_deleting_an_entry_is_refused(entry):
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AccessLog.objects.filter(pk=entry.pk).delete()
    with pytest.raises(PermissionError):
        AccessLog.objects.all().delete()
    assert AccessLog.objects.filter(pk=entry.pk).exists()


def test_updating_entries_through_a_queryset_is_refused(entry):
    with pytest.raises(PermissionError):
        AccessLog.objects.filter(pk=entry.pk).update(username="someone-else")
    with pytest.raises(PermissionError):
        AccessLog.objects.update(detail="x")
    assert AccessLog.objects.get(pk=entry.pk).username == "cadre"


TABLE = AccessLog._meta.db_table


def test_a_raw_sql_update_is_refused_by_the_database(entry):
    table = connection.ops.quote_name(TABLE)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET username = %s WHERE id = %s", ["forged", entry.pk])
    assert AccessLog.objects.get(pk=entry.pk).username == "cadre"


def test_a_raw_sql_delete_is_refused_by_the_database(entry):
    table = connection.ops.quote_name(TABLE)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
    assert AccessLog.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_raw_sql_delete_is_refused_outside_a_test_transaction(make_user):
    """Committed rows, as in production: the refusal is the database's, not a rollback's."""
    entry = access_log_record(kind=AccessKind.REVEAL, user=make_user(Role.VILLAGE, "411421101201"))
    table = connection.ops.quote_name(TABLE)
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [entry.pk])
    assert AccessLog.objects.filter(pk=entry.pk).exists()


def test_new_entries_can_still_be_appended(entry):
    second = access_log_record(kind=AccessKind.REVEAL, user=entry.user, object_type="person")
    assert second.pk > entry.pk
    assert AccessLog.objects.count() == 2


def test_long_values_are_cut_to_their_columns(cadre):
    record = access_log_record(
        kind=AccessKind.EXPORT, user=cadre, object_id="9" * 100, detail="很" * 600
    )
    record.refresh_from_db()
    assert len(record.object_id) == 64
    assert len(record.detail) == 500


# ---------------------------------------------------------------- the auditor page


def at(year, month, day, hour=10, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def logged(moment, **fields):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return access_log_record(**fields)


@pytest.fixture
def log(village):
    """Entries in 民权县, in 睢县 and without a region, on several days."""
    suixian_village = other_county_village(SUIXIAN)
    return {
        "minquan_login": logged(
            at(2018, 3, 1), kind=AccessKind.LOGIN, username="mq-cadre", region_code=village.code
        ),
        "minquan_late": logged(
            at(2018, 3, 1, 23, 30),
            kind=AccessKind.EXPORT,
            username="mq-office",
            region_code=MINQUAN,
        ),
        "minquan_early": logged(
            at(2018, 6, 1, 0, 30),
            kind=AccessKind.DENIED,
            username="mq-cadre",
            region_code=village.code,
        ),
        "suixian": logged(
            at(2018, 6, 1),
            kind=AccessKind.LOGIN,
            username="sx-cadre",
            region_code=suixian_village.code,
        ),
        "unknown": logged(
            at(2018, 6, 2), kind=AccessKind.LOGIN_FAILED, username="ghost", region_code=""
        ),
    }


def page_ids(user, query=None) -> set[int]:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("audit:access_log"), query or {})
    assert response.status_code == 200
    # Leave out the viewer's own login (force_login is recorded like any login).
    return {
        entry.pk
        for entry in response.context["page"].object_list
        if entry.username != user.username
    }


def ids(log, *names) -> set[int]:
    return {log[name].pk for name in names}


def test_the_page_needs_audit_view(make_user, village, log):
    for role, code in [
        (Role.VILLAGE, village.code),
        (Role.COUNTY_OFFICE, MINQUAN),
        (Role.SECTOR, CITY),
    ]:
        client = Client()
        client.force_login(make_user(role, code))
        assert client.get(reverse("audit:access_log")).status_code == 403, role
    anonymous = Client().get(reverse("audit:access_log"))
    assert anonymous.status_code == 302


def test_a_county_auditor_sees_only_its_county(make_user, log):
    auditor = make_user(Role.AUDITOR, MINQUAN)
    seen = page_ids(auditor)
    assert ids(log, "minquan_login", "minquan_late", "minquan_early") <= seen
    assert log["suixian"].pk not in seen
    assert log["unknown"].pk not in seen


def test_a_city_auditor_also_sees_entries_without_a_region(make_user, log):
    auditor = make_user(Role.AUDITOR, CITY)
    seen = page_ids(auditor)
    assert ids(log, *log) <= seen


def test_the_page_shows_the_entries_in_chinese(make_user, log):
    client = Client()
    client.force_login(make_user(Role.AUDITOR, CITY))
    page = client.get(reverse("audit:access_log")).content.decode()
    assert "访问日志" in page
    assert "sx-cadre" in page and "ghost" in page
    assert "登录失败" in page


def test_the_page_lists_the_newest_first_fifty_at_a_time(make_user, log):
    newer = [
        access_log_record(kind=AccessKind.REVEAL, username=f"reader{n}", region_code=MINQUAN)
        for n in range(50)
    ]
    client = Client()
    client.force_login(make_user(Role.AUDITOR, CITY))
    first = client.get(reverse("audit:access_log")).context["page"]
    assert first.paginator.count == len(log) + len(newer) + 1  # + the auditor's own login
    listed = [entry.pk for entry in first.object_list]
    assert len(listed) == 50
    assert listed == sorted(listed, reverse=True)
    second = client.get(reverse("audit:access_log"), {"page": 2}).context["page"]
    assert {entry.pk for entry in second.object_list} | set(listed) == set(
        AccessLog.objects.values_list("pk", flat=True)
    )


def test_filter_by_kind(make_user, log):
    auditor = make_user(Role.AUDITOR, CITY)
    assert page_ids(auditor, {"kind": AccessKind.LOGIN}) == ids(log, "minquan_login", "suixian")


def test_filter_by_username(make_user, log):
    auditor = make_user(Role.AUDITOR, CITY)
    assert page_ids(auditor, {"username": "MQ-CADRE"}) == ids(log, "minquan_login", "minquan_early")


def test_filter_by_date_follows_the_local_day(make_user, log):
    auditor = make_user(Role.AUDITOR, CITY)
    # 23:30 and 00:30 Beijing time lie on other UTC days; the filter uses the local day.
    assert page_ids(auditor, {"date_to": "2018-03-01"}) == ids(log, "minquan_login", "minquan_late")
    assert page_ids(auditor, {"date_from": "2018-06-01"}) >= ids(
        log, "minquan_early", "suixian", "unknown"
    )
    assert not (page_ids(auditor, {"date_from": "2018-06-01"}) & ids(log, "minquan_late"))
    assert page_ids(auditor, {"date_from": "2018-06-01", "date_to": "2018-06-01"}) == ids(
        log, "minquan_early", "suixian"
    )


def test_filter_by_region_prefix_stays_inside_the_scope(make_user, log):
    county_auditor = make_user(Role.AUDITOR, MINQUAN)
    assert page_ids(county_auditor, {"region": "411422"}) == set()
    city_auditor = make_user(Role.AUDITOR, CITY)
    assert page_ids(city_auditor, {"region": "411422"}) == ids(log, "suixian")


def test_a_bad_filter_shows_an_error_not_a_crash(make_user, log):
    client = Client()
    client.force_login(make_user(Role.AUDITOR, CITY))
    response = client.get(reverse("audit:access_log"), {"region": "民权"})
    assert response.status_code == 200
    assert response.context["form"].errors["region"]


def test_an_auditor_role_in_one_region_does_not_open_the_log_of_another(make_user, log):
    # Auditor in 民权县's 人和镇, county office (no audit.view) in 睢县.
    user = make_user(Role.AUDITOR, RENHE)
    assignment_grant(
        acting_user=None,
        user=user,
        role=Role.COUNTY_OFFICE,
        region=Region.objects.get(code=SUIXIAN),
    )
    seen = page_ids(user)
    assert ids(log, "minquan_login", "minquan_early") <= seen
    assert log["suixian"].pk not in seen


def test_the_selector_scopes_like_the_page(make_user, log):
    auditor = make_user(Role.AUDITOR, MINQUAN)
    visible = set(access_log_for_user(auditor).values_list("pk", flat=True))
    assert visible == ids(log, "minquan_login", "minquan_late", "minquan_early")
    city_auditor = make_user(Role.AUDITOR, CITY)
    assert set(access_log_for_user(city_auditor).values_list("pk", flat=True)) == ids(log, *log)
