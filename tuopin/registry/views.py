from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import has_permission, require_permission, top_regions
from tuopin.accounts.services import job_submit
from tuopin.core.errors import TuopinError
from tuopin.core.uploads import upload_store
from tuopin.registry.forms import (
    HouseholdEditForm,
    HouseholdFilter,
    ImportForm,
    MemberAddForm,
    MemberEditForm,
    MemberEventForm,
)
from tuopin.registry.models import Household, Member
from tuopin.registry.personal import MASKS
from tuopin.registry.selectors import (
    access_household,
    access_member,
    household_detail,
    household_rows,
    household_search,
    household_totals,
    keyset_page,
)
from tuopin.registry.services import (
    household_contact_reveal,
    household_update,
    member_add,
    member_id_reveal,
    member_record_event,
    member_update,
)


@login_required
def household_list(request):
    require_permission(request.user, Permission.REGISTRY_VIEW)
    form = HouseholdFilter(request.GET or None)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "text": data["q"],
            "region_prefix": data["region"],
            "status": data["status"],
            "attribute": data["attribute"],
            "main_cause": data["main_cause"],
            "identified_year": data["identified_year"],
            "exit_year": data["exit_year"],
            "planned_exit_year": data["planned_exit_year"],
        }
    households = household_search(request.user, **filters)
    after = request.GET.get("after", "")
    rows, next_after = keyset_page(
        household_rows(households), after=int(after) if after.isdigit() else None
    )
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "registry/household_list.html",
        {
            "form": form,
            "rows": rows,
            "next_after": next_after,
            "query": query.urlencode(),
            "totals": household_totals(request.user, **filters),
            "first_page": not after,
            "may_import": has_permission(request.user, Permission.REGISTRY_IMPORT),
            "may_export": has_permission(request.user, Permission.DATA_EXPORT),
            "export_regions": top_regions(request.user),
        },
    )


@login_required
def household_page(request, household_id: int):
    require_permission(request.user, Permission.REGISTRY_VIEW)
    household = access_household(request.user, household_id)
    return render(
        request,
        "registry/household.html",
        {
            "household": household,
            **household_detail(household),
            "may_edit": has_permission(
                request.user, Permission.REGISTRY_EDIT, household.village_id
            ),
            "event_form": MemberEventForm(members=household.members.all()),
            "may_reveal": has_permission(
                request.user, Permission.PERSON_REVEAL, household.village_id
            ),
            "reads_ledgers": has_permission(
                request.user, Permission.LEDGER_VIEW, household.village_id
            ),
            # The people app's panels (「星级评定」, 「帮扶责任人与走访」): whoever may read
            # people's data here; each panel applies the topic rule itself.
            "reads_people": has_permission(
                request.user, Permission.PEOPLE_VIEW, household.village_id
            ),
            "contact": [
                ("phone", _("联系电话"), MASKS["phone"](household.phone)),
                ("bank_name", _("开户银行"), household.bank_name),
                ("bank_account", _("银行账号"), MASKS["bank_account"](household.bank_account)),
            ],
        },
    )


@login_required
@require_POST
def member_reveal(request, member_id: int):
    """Show one full ID number: allowed by role, and logged every time."""
    member = access_member(request.user, member_id)
    number = member_id_reveal(acting_user=request.user, member=member, request=request)
    return render(request, "registry/_id_revealed.html", {"id_number": number})


@login_required
@require_POST
def household_contact_reveal_view(request, household_id: int, field: str):
    """Show the household's full phone or bank account: by role, logged every time."""
    household = access_household(request.user, household_id)
    value = household_contact_reveal(
        acting_user=request.user, household=household, field=field, request=request
    )
    return render(request, "registry/_id_revealed.html", {"id_number": value})


@login_required
def registry_import(request):
    """Upload a spreadsheet; the import runs as a background job with its error report."""
    require_permission(request.user, Permission.REGISTRY_IMPORT)
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        regions=top_regions(request.user),
        # Set while the body was read (request.FILES): the file was over the upload limit.
        upload_refused=getattr(request, "upload_refused", None),
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        relative = upload_store(upload)
        job = job_submit(
            acting_user=request.user,
            kind="registry.import",
            region_code=form.cleaned_data["region"],
            params={
                "upload": relative,
                "name": upload.name,
                "dry_run": form.cleaned_data["dry_run"],
                "partial": form.cleaned_data["partial"],
            },
        )
        return redirect("web:job", job_id=job.pk)
    return render(request, "registry/import.html", {"form": form})


@login_required
def household_edit(request, household_id: int):
    """Edit household facts; a stale form (someone saved meanwhile) is refused whole."""
    household = access_household(request.user, household_id)
    require_permission(request.user, Permission.REGISTRY_EDIT, household.village_id)
    form = HouseholdEditForm(
        request.POST or None,
        instance=Household.objects.get(pk=household.pk),
        initial={"version": household.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            household_update(
                acting_user=request.user,
                household=household,
                version=form.cleaned_data["version"],
                attributes=_changed(form),
            )
        except TuopinError as error:
            _form_problems(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("registry:household", household_id=household.pk)
    return render(request, "registry/household_edit.html", {"household": household, "form": form})


def _changed(form) -> dict:
    """The fields a versioned edit form changed (the version only says what it started from)."""
    return {name: form.cleaned_data[name] for name in form.changed_data if name != "version"}


def _form_problems(form, error: TuopinError) -> None:
    """Put a refused save's problems on their fields (the rest above the form)."""
    problems = getattr(error, "problems", None)  # a RegistryInvalid lists every one
    if not problems:
        form.add_error(error.field if error.field in form.fields else None, error.message)
    for problem in problems or []:
        if not problem.warning:
            field = problem.field if problem.field in form.fields else None
            form.add_error(field, f"{problem.message_zh} ({problem.message_en})")


@login_required
def member_new(request, household_id: int):
    """A member arriving by birth, marriage or moving in (checked as the import does)."""
    household = access_household(request.user, household_id)
    require_permission(request.user, Permission.REGISTRY_EDIT, household.village_id)
    form = MemberAddForm(request.POST or None, initial={"event_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            member_add(acting_user=request.user, household=household, data=dict(form.cleaned_data))
        except TuopinError as error:
            _form_problems(form, error)
        else:
            messages.success(request, _("已新增成员。"))
            return redirect("registry:household", household_id=household.pk)
    context = {"household": household, "form": form, "title": _("新增成员")}
    return render(request, "registry/member_form.html", context)


@login_required
def member_edit(request, member_id: int):
    """Edit one member's facts; a stale form is refused whole, nothing is overwritten."""
    member = access_member(request.user, member_id)
    household = member.household
    require_permission(request.user, Permission.REGISTRY_EDIT, household.village_id)
    form = MemberEditForm(
        request.POST or None,
        instance=Member.objects.get(pk=member.pk),
        initial={"version": member.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            member_update(
                acting_user=request.user,
                member=member,
                version=form.cleaned_data["version"],
                data=_changed(form),
            )
        except TuopinError as error:
            _form_problems(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("registry:household", household_id=household.pk)
    context = {"household": household, "form": form, "member": member, "title": _("修改成员信息")}
    return render(request, "registry/member_form.html", context)


@login_required
@require_POST
def member_event(request, household_id: int):
    household = access_household(request.user, household_id)
    require_permission(request.user, Permission.REGISTRY_EDIT, household.village_id)
    form = MemberEventForm(request.POST, members=household.members.all())
    if form.is_valid():
        member = household.members.get(pk=form.cleaned_data["member"])
        try:
            member_record_event(
                acting_user=request.user,
                member=member,
                kind=form.cleaned_data["kind"],
                when=form.cleaned_data["date"],
                note=form.cleaned_data["note"],
            )
        except TuopinError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已登记成员变动。"))
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect("registry:household", household_id=household.pk)
