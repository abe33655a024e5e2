"""Row history: every domain model keeps it, and it names who made each change."""

from django.apps import apps
from django.contrib.auth import get_user_model
from simple_history.manager import HistoryManager
from simple_history.models import HistoricalChanges

from conftest import CITY, MINQUAN, RENHE, first_village
from tuopin.accounts.roles import Role
from tuopin.accounts.services import (
    api_token_issue,
    api_token_revoke,
    assignment_grant,
    user_create,
)
from tuopin.regions.models import Region
from tuopin.regions.services import region_update_attributes

# Every app of the project, including those added later.
APP_LABELS = tuple(
    config.label for config in apps.get_app_configs() if config.name.startswith("tuopin.")
)

# Models that deliberately keep no row history, each with its reason.
EXEMPT = {
    "core.Job": "an operational record with its own timeline (created, started, heartbeat, finished)",
    "audit.AccessLog": "append-only itself: rows are never changed, so there is nothing to track",
    "registry.MemberEvent": "append-only dated events: the member's timeline is the history",
    "cases.CaseEvent": "append-only: the case's timeline is itself the history",
    "policy.EvaluationRun": "a run is a record of what was computed; it is never edited",
    "policy.HouseholdResult": "rows written once by a run and never changed",
    "policy.AreaResult": "rows written once by a run and never changed",
    "registry.RegionTotal": "derived counts recomputed from the registry, whose rows keep history",
    "registry.RegionYearTotal": "derived counts recomputed from the registry, whose rows keep history",
    "registry.QualitySnapshot": "the record of a recount; the counted registry keeps history",
    "registry.QualityCount": "derived counts replaced by each recount of the registry",
    "assistance.LedgerImport": "the record of one import; the ledger rows it wrote keep history",
    "assistance.CoverageSnapshot": "the record of a recount; the counted ledgers keep history",
    "assistance.CoverageCount": "derived counts replaced by each recount of the ledgers",
    "projects.ProjectStep": "append-only: a project's filed steps are its timeline",
    "projects.ProjectVillage": "the many-to-many table of a project's villages, made explicit "
    "to choose its indexes (ADR 0025); it kept no history before either",
    "projects.WarningAction": "append-only: a warning's handling is its own timeline",
    "projects.FundWarning": "a finding recomputed from the funds (which keep history); its "
    "handling is recorded in WarningAction",
}


def is_history_table(model) -> bool:
    """The Historical* models are the history itself: they need none of their own."""
    return issubclass(model, HistoricalChanges)


def test_every_domain_model_keeps_history():
    missing = []
    checked = []
    for label in APP_LABELS:
        for model in apps.get_app_config(label).get_models():
            name = f"{model._meta.app_label}.{model.__name__}"
            if is_history_table(model) or name in EXEMPT:
                continue
            checked.append(name)
            manager = getattr(model, "history", None)
            if not isinstance(manager, HistoryManager):
                missing.append(name)
    assert missing == [], f"models without `history = HistoricalRecords()`: {missing}"
    assert {"regions.Region", "accounts.Assignment", "accounts.ApiToken"} <= set(checked)


def test_the_exemption_list_names_real_models():
    for name in EXEMPT:
        label, model_name = name.split(".")
        assert apps.get_model(label, model_name) is not None
        assert not hasattr(apps.get_model(label, model_name), "history"), name


def test_users_keep_history_too():
    assert isinstance(get_user_model().history, HistoryManager)


def test_a_region_change_records_the_acting_user(make_user):
    user = make_user(Role.CITY_OFFICE, CITY)
    village = first_village(RENHE)

    region_update_attributes(acting_user=user, region=village, is_poor_village=True)

    record = Region.history.filter(code=village.code).latest("history_id")
    assert record.history_user == user
    assert record.is_poor_village is True
    assert record.history_type == "~"
    delta = record.diff_against(record.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("is_poor_village", False, True)]


def test_user_create_records_the_acting_user(make_user):
    office = make_user(Role.COUNTY_OFFICE, MINQUAN)
    created = user_create(
        acting_user=office,
        username="renhe-staff",
        password="Renhe#2018-ok",
        role=Role.TOWNSHIP,
        region=Region.objects.get(code=RENHE),
    )
    record = created.history.get()
    assert record.history_type == "+"
    assert record.history_user == office
    assert office.history.get().history_user is None  # made from the command line


def test_assignment_grant_records_the_acting_user(make_user):
    office = make_user(Role.COUNTY_OFFICE, MINQUAN)
    staff = make_user(Role.AUDITOR, CITY)
    assignment = assignment_grant(
        acting_user=office, user=staff, role=Role.TOWNSHIP, region=Region.objects.get(code=RENHE)
    )
    record = assignment.history.get()
    assert record.history_type == "+"
    assert record.history_user == office


def test_token_issue_and_revoke_are_in_history(make_user):
    user = make_user(Role.SECTOR, MINQUAN)
    token, _ = api_token_issue(acting_user=user, user=user, name="api")
    api_token_revoke(acting_user=user, token=token)
    records = list(token.history.order_by("history_id"))
    assert [r.history_type for r in records] == ["+", "~"]
    assert all(r.history_user == user for r in records)
    assert records[0].revoked_at is None and records[1].revoked_at is not None
