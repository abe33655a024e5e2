"""What a finding shows on the list and in the download: its township and village, the
object (team, member, household, helper, workshop…), the numbers, and the object's
page. Names of regions and cadres of a page of findings come in one query each."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from tuopin.people.checks.framework import Check
from tuopin.people.models import Posting
from tuopin.regions.models import Region
from tuopin.registry.idnumbers import mask_id_number

HEADERS = ("乡镇", "行政村", "对象", "说明")


def _region_names(codes) -> dict[str, tuple[str, str]]:
    return {
        r.code: (r.parent.name if r.parent_id and r.level == "village" else "", r.name)
        for r in Region.objects.filter(code__in=set(codes)).select_related("parent")
    }


def finding_rows(found: Check, items) -> list[dict]:
    """Rows {township, village, subject, detail, url} of a page (or all) of findings."""
    items = list(items)
    get = (lambda item, key: item[key]) if items and isinstance(items[0], dict) else getattr
    names = _region_names(get(item, "region_code") for item in items)
    cadres = {}
    if found.code == "member_days_short":
        cadres = dict(
            Posting.objects.filter(pk__in=[i["posting_id"] for i in items]).values_list(
                "pk", "cadre__name"
            )
        )
    rows = []
    for item in items:
        township, village = names.get(get(item, "region_code"), ("", ""))
        subject, detail, url = _describe(found.code, item, cadres)
        rows.append(
            {"township": township, "village": village, "subject": subject, "detail": detail}
            | {"url": url}
        )
    return rows


def _describe(code: str, item, cadres) -> tuple[str, str, str]:  # noqa: C901 (one case per check)
    if code == "village_without_team":
        return (
            "",
            _("贫困村") if item.is_poor_village else _("当年退出村"),
            reverse("people:teams") + f"?region={item.code}",
        )
    if code in ("team_too_small", "team_without_leader"):
        return (
            item.sending_unit,
            _("在岗队员 %(n)s 人") % {"n": item.members},
            reverse("people:team", args=[item.pk]),
        )
    if code == "posting_ended_early":
        detail = f"{item.started_on} — {item.ended_on}"
        if item.recalled_reason:
            detail += f"，{item.recalled_reason}"
        return (
            f"{item.cadre.name}（{item.get_role_display()}）",
            detail,
            reverse("people:team", args=[item.team_id]),
        )
    if code == "member_days_short":
        return (
            cadres.get(item["posting_id"], ""),
            _("%(y)s年%(m)s月：在岗 %(p)s 天，请假 %(l)s 天，缺勤 %(a)s 天")
            % {
                "y": item["month"].year,
                "m": item["month"].month,
                "p": item["present"],
                "l": item["leave"],
                "a": item["absent"],
            },
            reverse("people:team", args=[item["team_id"]]),
        )
    if code == "household_no_helper":
        return (
            item.number,
            str(item.get_status_display()),
            reverse("registry:household", args=[item.pk]),
        )
    if code == "visit_overdue":
        last = str(item.last_visit) if item.last_visit else _("尚无走访记录")
        return (
            f"{item.number} · {item.helper_name or _('未填报')}",
            _("最近走访：%(day)s") % {"day": last},
            reverse("registry:household", args=[item.pk]),
        )
    if code == "helper_over_limit":
        return (
            f"{item.name}（{item.work_unit or _('未填报')}）",
            _("现结对 %(n)s 户") % {"n": item.households_now},
            reverse("people:helper", args=[item.pk]),
        )
    if code == "workshop_not_recognised":
        share = _("未填报") if item.share_tenths is None else f"{item.share_tenths / 10:.1f}%"
        return (
            item.name,
            _("符合条件的贫困劳动力 %(q)s 人，占用工 %(s)s") % {"q": item.qualifying, "s": share},
            reverse("people:workshop", args=[item.pk]),
        )
    if code == "person_in_two_workshops":
        return (
            f"{item['name']} {mask_id_number(item['id_number'])}",
            _("同时在 %(n)s 个车间务工") % {"n": item["workshops"]},
            reverse("people:workshops") + f"?region={item['region_code']}",
        )
    # branch_share_outside_range: a county
    return (
        "",
        _("行政村 %(v)s 个，名单 %(n)s 个") % {"v": item.villages, "n": item.listed},
        reverse("people:branches") + f"?region={item.code}",
    )
