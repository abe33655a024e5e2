"""Writes of the policy app: drafting and publishing standards, entering area indicators."""

from django.db import transaction
from django.utils import timezone

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import access_region, require_permission
from tuopin.core.errors import TuopinError
from tuopin.policy.engine.areas import VILLAGE_INDICATORS
from tuopin.policy.models import (
    Clause,
    CountyIndicator,
    Level,
    PolicyStatus,
    PolicyVersion,
    VillageIndicator,
)
from tuopin.policy.plans import compile_everywhere
from tuopin.policy.rules.ast import PolicyInvalid, parse_clause
from tuopin.policy.rules.facts import LEVEL_FACTS
from tuopin.policy.rules.params import check_parameters
from tuopin.policy.rules.sqlcompile import Plan
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region


def _require_policy_edit(acting_user) -> None:
    root = Region.objects.filter(parent__isnull=True).order_by("code").first()
    require_permission(acting_user, Permission.POLICY_EDIT, root.code if root else None)


def _require_draft(policy: PolicyVersion) -> None:
    if policy.status != PolicyStatus.DRAFT:
        raise TuopinError(
            "policy_published_immutable",
            f"{policy} 已发布，不能修改；请先建立新的草稿版本",
            f"{policy} is published and immutable; open a new draft first",
        )


@transaction.atomic
def policy_draft_open(*, acting_user, code: str) -> PolicyVersion:
    """The open draft of a standard, or a new one copied from its latest version."""
    _require_policy_edit(acting_user)
    draft = PolicyVersion.objects.filter(code=code, status=PolicyStatus.DRAFT).first()
    if draft:
        return draft
    latest = PolicyVersion.objects.filter(code=code).order_by("-version").first()
    if latest is None:
        raise TuopinError("policy_unknown", f"没有退出标准 {code}", f"no standard {code}")
    draft = PolicyVersion.objects.create(
        code=code,
        version=latest.version + 1,
        title=latest.title,
        parameters=latest.parameters,
        based_on=latest,
        created_by=acting_user,
    )
    Clause.objects.bulk_create(
        [
            Clause(
                policy=draft,
                level=clause.level,
                code=clause.code,
                title=clause.title,
                description=clause.description,
                expression=clause.expression,
                position=clause.position,
            )
            for clause in latest.clauses.all()
        ]
    )
    return draft


@transaction.atomic
def policy_update(
    *, acting_user, policy: PolicyVersion, parameters: dict, title: str, note: str = ""
) -> PolicyVersion:
    _require_policy_edit(acting_user)
    _require_draft(policy)
    check_parameters(parameters)
    for clause in policy.clauses.all():
        parse_clause(clause.expression, LEVEL_FACTS[clause.level], parameters)
    policy.parameters, policy.title, policy.note = parameters, title, note
    policy.save(update_fields=["parameters", "title", "note"])
    return policy


@transaction.atomic
def clause_save(
    *,
    acting_user,
    policy: PolicyVersion,
    level: str,
    code: str,
    title: str,
    expression,
    description: str = "",
) -> Clause:
    """Add or change a clause of a draft; the rule is checked and compiled here, not at run time."""
    _require_policy_edit(acting_user)
    _require_draft(policy)
    if level not in Level.values:
        raise PolicyInvalid(f"对象 {level!r} 无效", f"invalid level {level!r}", field="level")
    if not code or not code.replace("_", "").isalnum() or not code.isascii():
        raise PolicyInvalid(
            "条款代码只能由英文字母、数字和下划线组成",
            "a clause code is letters, digits and underscores",
            field="code",
        )
    node = parse_clause(expression, LEVEL_FACTS[level], policy.parameters)
    compile_everywhere(Plan(level, [(code, node)], _sample_parameters(policy.parameters)))
    clause = Clause.objects.filter(policy=policy, level=level, code=code).first()
    if clause is None:
        position = policy.clauses.filter(level=level).count()
        clause = Clause(policy=policy, level=level, code=code, position=position)
    clause.title, clause.description, clause.expression = title, description, expression
    clause.save()
    return clause


@transaction.atomic
def clause_delete(*, acting_user, policy: PolicyVersion, level: str, code: str) -> None:
    _require_policy_edit(acting_user)
    _require_draft(policy)
    Clause.objects.filter(policy=policy, level=level, code=code).delete()


@transaction.atomic
def policy_publish(*, acting_user, policy: PolicyVersion) -> PolicyVersion:
    """Publish a draft after compiling every clause for every dialect; then it is frozen."""
    _require_policy_edit(acting_user)
    _require_draft(policy)
    sample = _sample_parameters(policy.parameters)
    for level in Level.values:
        clauses = [
            (c.code, parse_clause(c.expression, LEVEL_FACTS[level], policy.parameters))
            for c in policy.clauses.filter(level=level)
        ]
        if clauses:
            compile_everywhere(Plan(level, clauses, sample))
    if not policy.clauses.filter(level=Level.HOUSEHOLD).exists():
        raise PolicyInvalid("标准至少需要一条户退出条款", "a standard needs household clauses")
    policy.status = PolicyStatus.PUBLISHED
    policy.published_at = timezone.now()
    policy.save(update_fields=["status", "published_at"])
    return policy


def _sample_parameters(parameters: dict) -> dict:
    """Any value of each parameter, to prove the clauses compile."""
    values = {"year": 2018}
    for name, spec in parameters.items():
        table = spec.get("by_year")
        values[name] = next(iter(table.values())) if table else spec["value"]
    return values


VILLAGE_INDICATOR_FIELDS = (*VILLAGE_INDICATORS, "collective_income", "industry")
COUNTY_INDICATOR_FIELDS = ("wrong_exit_rate", "missed_rate", "approval")


def _area(acting_user, code: str, level: str) -> Region:
    region = access_region(acting_user, code) if acting_user else Region.objects.get(code=code)
    if acting_user:
        require_permission(acting_user, Permission.INDICATOR_EDIT, region.code)
    if region.level != level:
        raise TuopinError(
            "indicator_level",
            f"{region.name}（{region.code}）不是{RegionLevel(level).label}",
            f"{region.code} is not a {level}",
            field="region",
        )
    return region


@transaction.atomic
def village_indicator_record(*, acting_user, village_code: str, year: int, **values):
    """Enter (or correct) a village's exit indicators for a year; unnamed ones stay as they are."""
    village = _area(acting_user, village_code, RegionLevel.VILLAGE)
    unknown = set(values) - set(VILLAGE_INDICATOR_FIELDS)
    if unknown:
        raise TuopinError("indicator_unknown", f"未知指标：{sorted(unknown)}", "unknown indicator")
    record = VillageIndicator.objects.filter(village=village, year=year).first()
    record = record or VillageIndicator(village=village, year=year)
    for name, value in values.items():
        setattr(record, name, value)
    record.save()
    return record


@transaction.atomic
def county_indicator_record(*, acting_user, county_code: str, year: int, **values):
    county = _area(acting_user, county_code, RegionLevel.COUNTY)
    unknown = set(values) - set(COUNTY_INDICATOR_FIELDS)
    if unknown:
        raise TuopinError("indicator_unknown", f"未知指标：{sorted(unknown)}", "unknown indicator")
    for name, value in values.items():
        if value is not None and not 0 <= value <= 100:
            raise TuopinError(
                "indicator_rate_range",
                f"{name} 须在 0 到 100 之间",
                f"{name} must lie between 0 and 100",
                field=name,
            )
    record = CountyIndicator.objects.filter(county=county, year=year).first()
    record = record or CountyIndicator(county=county, year=year)
    for name, value in values.items():
        setattr(record, name, value)
    record.save()
    return record
