"""Pages of cadre training (§十九): the course list, a new course, a course with its
attendance sheet (a form for those who keep training), and a cadre's record."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuopin.core.errors import TuopinError
from tuopin.core.forms import bootstrap
from tuopin.people import access
from tuopin.people.models import TrainingLevel
from tuopin.people.training_selectors import (
    access_cadre,
    access_course,
    cadre_record,
    course_candidates,
    course_search,
    course_sheet,
)
from tuopin.people.training_services import training_attendance_set, training_course_create
from tuopin.regions.models import Region

ATTENDED = {"": None, "1": True, "0": False}


class CourseForm(forms.Form):
    region = forms.ChoiceField(label=gettext_lazy("举办区划"))
    name = forms.CharField(label=gettext_lazy("培训班名称"), max_length=100)
    organiser = forms.CharField(label=gettext_lazy("主办单位"), max_length=100, required=False)
    start_date = forms.DateField(
        label=gettext_lazy("开始日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=gettext_lazy("结束日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    hours = forms.DecimalField(
        label=gettext_lazy("培训学时"), max_digits=6, decimal_places=1, required=False
    )
    level = forms.ChoiceField(
        label=gettext_lazy("培训层级"),
        choices=[("", gettext_lazy("未填报")), *TrainingLevel.choices],
        required=False,
    )

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, r.name) for r in regions]
        bootstrap(self, small=True)


class AttendanceForm(forms.Form):
    helper = forms.ChoiceField(label=gettext_lazy("参训干部"))
    attended = forms.ChoiceField(
        label=gettext_lazy("是否参训"),
        choices=[
            ("", gettext_lazy("未填报")),
            ("1", gettext_lazy("是")),
            ("0", gettext_lazy("否")),
        ],
        required=False,
    )
    hours = forms.DecimalField(
        label=gettext_lazy("参训学时"), max_digits=6, decimal_places=1, required=False
    )
    note = forms.CharField(label=gettext_lazy("备注"), max_length=200, required=False)

    def __init__(self, *args, helpers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["helper"].choices = [
            (h.pk, f"{h.name}（{h.work_unit or '—'}）") for h in helpers
        ]
        bootstrap(self, small=True)


def _readable(request) -> None:
    if not access.may_read(request.user, access.TRAINING):
        raise PermissionDenied("没有可查看的干部培训 (no training to read)")


def _year(request) -> int | None:
    text = (request.GET.get("year") or "").strip()
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else None


def _keeping_regions(user) -> list[Region]:
    prefixes = access.keep_prefixes(user, access.TRAINING)
    if prefixes is None:
        return list(Region.objects.filter(level__in=("city", "county")).order_by("code"))
    return list(
        Region.objects.filter(code__in=[p.ljust(12, "0") for p in prefixes]).order_by("code")
    )


@login_required
def course_list(request):
    _readable(request)
    year = _year(request)
    return render(
        request,
        "people/training/list.html",
        {
            "courses": course_search(request.user, year=year)[:200],
            "year": year,
            "may_keep": bool(_keeping_regions(request.user)),
        },
    )


@login_required
def course_new(request):
    _readable(request)
    regions = _keeping_regions(request.user)
    if not regions:
        raise PermissionDenied("没有权限：维护干部培训 (you may not keep training records)")
    form = CourseForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            course = training_course_create(
                acting_user=request.user,
                region=next(r for r in regions if r.code == data["region"]),
                name=data["name"],
                organiser=data["organiser"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                hours=data["hours"],
                level=data["level"],
            )
        except TuopinError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("已新增培训班。"))
            return redirect("people:training_course", course_id=course.pk)
    return render(
        request,
        "people/training/course_new.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def course_page(request, course_id: int):
    course = access_course(request.user, course_id)
    may_keep = access.may_keep(request.user, access.TRAINING, course.region_id)
    sheet = course_sheet(course)
    helpers = [*(line.helper for line in sheet), *course_candidates(course)[:500]]
    form = AttendanceForm(request.POST or None, helpers=helpers)
    if request.method == "POST":
        if not may_keep:
            raise PermissionDenied("没有权限：维护干部培训 (you may not keep training records)")
        if form.is_valid():
            data = form.cleaned_data
            helper = next(h for h in helpers if str(h.pk) == data["helper"])
            try:
                training_attendance_set(
                    acting_user=request.user,
                    course=course,
                    helper=helper,
                    attended=ATTENDED[data["attended"] or ""],
                    hours=data["hours"],
                    note=data["note"],
                )
            except TuopinError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("已登记参训情况。"))
                return redirect("people:training_course", course_id=course.pk)
    return render(
        request,
        "people/training/course.html",
        {"course": course, "sheet": sheet, "form": form, "may_keep": may_keep},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def cadre_page(request, helper_id: int):
    helper = access_cadre(request.user, helper_id)
    year = _year(request)
    lines, total = cadre_record(request.user, helper, year)
    return render(
        request,
        "people/training/cadre.html",
        {"helper": helper, "lines": lines, "total": total, "year": year},
    )
