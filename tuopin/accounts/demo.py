"""Demo users, one per role, for `make run` (never for a real deployment)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from tuopin.accounts.roles import Role
from tuopin.accounts.services import user_create
from tuopin.regions.enums import RegionKind, RegionLevel
from tuopin.regions.models import Region

DEMO_PASSWORD = "Tuopin-2018!"
DEMO_COUNTY = "411421000000"  # 民权县
DEMO_TOWNSHIP = "411421101000"  # 人和镇
DEMO_VILLAGE = "411421101201"  # 朱寨村委会: the demo's work is here (cases/demo.py)


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
        ("sector", "行业部门演示用户", Role.SECTOR, "county", "民权县教育局"),
        ("inspector", "督查演示用户", Role.INSPECTOR, "city", "商丘市督查组"),
        ("hotline", "热线演示用户", Role.HOTLINE, "city", "商丘市扶贫热线"),
        ("auditor", "审计演示用户", Role.AUDITOR, "city", "商丘市审计局"),
    ]
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
        logins.append(
            {
                "username": username,
                "password": DEMO_PASSWORD,
                "role": role.label,
                "region": f"{region.name} {region.code}",
            }
        )
    return logins
