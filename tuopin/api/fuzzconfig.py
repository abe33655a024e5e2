"""Writes the schemathesis.toml `make fuzz` runs with: ids and codes of real rows.

Random ids almost always answer 404, and the operations' logic behind them is never
reached. The config binds path, query and body parameters to dictionaries of rows that
exist in the fuzz database (schemathesis then draws from them most of the time and
generates other values the rest), so a detail, an edit or an event meets a real row.

Usage: python -m tuopin.api.fuzzconfig USERNAME OUTPUT.toml (settings from the
environment, as the `tuopin` command reads them).
"""

import json
import sys


def _dictionary(name: str, values: list) -> list[str]:
    return [f"[dictionaries.{name}]", f"values = {json.dumps(values, ensure_ascii=False)}", ""]


def fuzz_config(username: str) -> str:
    from django.contrib.auth import get_user_model

    from tuopin.accounts.selectors import job_list_for_user, visible_regions
    from tuopin.cases.selectors import case_list_for_user
    from tuopin.registry.selectors import household_search, member_search

    user = get_user_model().objects.get(username=username)
    households = list(household_search(user).order_by("pk").values_list("pk", flat=True)[:50])
    members = list(member_search(user).order_by("pk").values_list("pk", flat=True)[:50])
    # Villages with households, where a registration or a case can succeed.
    villages = sorted(set(household_search(user).values_list("village_id", flat=True)))[:50]
    regions = list(visible_regions(user).order_by("code").values_list("code", flat=True)[:50])
    cases = list(case_list_for_user(user).order_by("pk").values_list("pk", flat=True)[:50])
    jobs = list(job_list_for_user(user).values_list("pk", flat=True)[:50])
    lines = ["# Written by tuopin/api/fuzzconfig.py for `make fuzz`; not kept.", ""]
    bindings = []
    for name, values, keys in [
        ("households", households, ["path.household_id", "query.household"]),
        ("members", members, ["path.member_id", "body.member", "body.payload.member"]),
        ("villages", villages, ["body.village_code", "body.region_code"]),
        ("regions", regions, ["path.code", "query.region"]),
        ("cases", cases, ["path.case_id"]),
        ("jobs", jobs, ["path.job_id"]),
    ]:
        if not values:
            continue
        lines += _dictionary(name, values)
        bindings += [f'"{key}" = {{ dictionary = "{name}", probability = 0.8 }}' for key in keys]
    return "\n".join([*lines, "[parameters]", *bindings, ""])


def main(argv: list[str]) -> int:
    import django

    django.setup()
    username, output = argv
    with open(output, "w", encoding="utf-8") as handle:
        handle.write(fuzz_config(username))
    return 0


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.base")
    sys.exit(main(sys.argv[1:]))
