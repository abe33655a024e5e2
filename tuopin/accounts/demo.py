"""Demo users, one per role, for `make run` (never for a real deployment)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from tuopin.accounts.models import Assignment
from tuopin.accounts.roles import Department, Role
from tuopin.accounts.services import user_create
from tuopin.regions.enums import RegionKind, RegionLevel
from tuopin.regions.models import Region

DEMO_PASSWORD = "Tuopin-2018!"
DEMO_COUNTY = "411421000000"  # 民权县
DEMO_TOWNSHIP = "411421101000"  # 人和镇
DEMO_VILLAGE = "411421101201"  # 朱寨村委会: the demo's work is here (cases/demo.py)


# The demo county's departments (行业部门) and the office each demo user works for.
SECTOR_ORGANISATIONS = {
    Department.HUMAN_RESOURCES: "民权县人力资源和社会保障局",
    Department.FINANCE: "民权县金融扶贫服务中心",
    Department.EDUCATION: "民权县教育局",
    Department.HEALTH: "民权县卫生健康委员会",
    Department.HOUSING: "民权县住房和城乡建设局",
    Department.ENERGY: "民权县发展和改革委员会",
    Department.FORESTRY: "民权县林业局",
    Department.DISABLED: "民权县残疾人联合会",
    Department.CIVIL_AFFAIRS: "民权县民政局",
    Department.ORGANISATION: "中共民权县委组织部",
    Department.TREASURY: "民权县财政局",
}


def _demo_regions() -> dict[str, Region]:
    city = Region.objects.get(level=RegionLevel.CITY)
    county = Region.objects.get(code=DEMO_COUNTY)
    # A rural township and a 村委会, where the registry's households live.
    township = Region.objects.filter(code=DEMO_TOWNSHIP).first() or (
        Region.objects.filter(parent=county, name__endswith="镇").order_by("code").first()
        or Region.objects.filter(parent=county).order_by("code").first()
    )
    village = Region.objects.filter(code=DEMO_VILLAGE).first() or (
        Region.objects.filter(parent=township, kind=RegionKind.VILLAGE).order_by("code").first()
        or Region.objects.filter(parent=township).order_by("code").first()
    )
    return {"city": city, "county": county, "township": township, "village": village}


def demo_users_ensure() -> list[dict]:
    """Create the demo users that are missing; return every demo login."""
    regions = _demo_regions()
    plan = [
        ("city", "市扶贫办演示用户", Role.CITY_OFFICE, "city", "商丘市扶贫办"),
        ("county", "民权县扶贫办演示用户", Role.COUNTY_OFFICE, "county", "民权县扶贫办"),
        ("township", "乡镇演示用户", Role.TOWNSHIP, "township", ""),
        ("village", "村干部演示用户", Role.VILLAGE, "village", ""),
        # A second person in the village: the work team proposes the demo's cases, so that
        # the village user may decide their steps (no one decides their own proposal).
        ("workteam", "驻村工作队演示用户", Role.VILLAGE, "village", "驻村工作队"),
        ("sector", "人社局演示用户", Role.SECTOR, "county", SECTOR_ORGANISATIONS["hrss"]),
        ("inspector", "督查演示用户", Role.INSPECTOR, "city", "商丘市督查组"),
        ("hotline", "热线演示用户", Role.HOTLINE, "city", "商丘市扶贫热线"),
        ("auditor", "审计演示用户", Role.AUDITOR, "city", "商丘市审计局"),
        # A cadre who records their own visits; the people demo links it to a cadre.
        ("helper", "帮扶责任人演示用户", Role.HELPER, "county", "民权县直单位"),
    ]
    # One 行业部门 user per department, each keeping its department's ledgers (`sector` is
    # 人社局's); `assistance.demo` gives each of them entries to review and checks to read.
    plan += [
        (f"sector_{code}", f"{Department(code).label}演示用户", Role.SECTOR, "county", organisation)
        for code, organisation in SECTOR_ORGANISATIONS.items()
        if code != Department.HUMAN_RESOURCES
    ]
    departments = {f"sector_{code}": code for code in SECTOR_ORGANISATIONS}
    departments["sector"] = departments.pop(f"sector_{Department.HUMAN_RESOURCES}")
    User = get_user_model()
    logins = []
    # One published password for every demo user: hashed once, not once a user.
    password_hash = ""
    for username, full_name, role, level, organisation in plan:
        region = regions[level]
        if not User.objects.filter(username=username).exists():
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            user_create(
                password_hash=password_hash,
                acting_user=None,
                username=username,
                password=DEMO_PASSWORD,
                full_name=full_name,
                role=role,
                region=region,
                organisation=organisation,
            )
        if username in departments:
            # Also for a demo database from before departments existed.
            Assignment.objects.filter(user__username=username, role=role, department="").update(
                department=departments[username]
            )
        logins.append(
            {
                "username": username,
                "password": DEMO_PASSWORD,
                "role": f"{role.label}（{Department(departments[username]).label}）"
                if username in departments
                else role.label,
                "region": f"{region.name} {region.code}",
            }
        )
    return logins
