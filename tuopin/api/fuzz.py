"""Helpers of `make fuzz`: the schemathesis config it runs with, and the figures of a run.

`config USERNAME OUTPUT.toml` writes the schemathesis config: ids and codes of real rows.

Random ids almost always answer 404, and the operations' logic behind them is never
reached. The config binds path, query and body parameters to dictionaries of rows that
exist in the fuzz database (schemathesis then draws from them most of the time and
generates other values the rest), so a detail, an edit or an event meets a real row.

`summary REPORT.ndjson` prints the calls a run made by status code (schemathesis prints
test cases and failures, not the answers' statuses).

Usage: python -m tuopin.api.fuzz config|summary … (settings from the environment, as the
`tuopin` command reads them).
"""

import json
import sys
from collections import Counter


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
    lines = ["# Written by tuopin/api/fuzz.py for `make fuzz`; not kept.", ""]
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


def run_summary(lines) -> tuple[int, Counter]:
    """Calls and their status codes, from the lines of a schemathesis NDJSON report."""
    statuses: Counter = Counter()
    for line in lines:
        event = json.loads(line)
        recorder = event.get("ScenarioFinished", {}).get("recorder") or {}
        for interaction in (recorder.get("interactions") or {}).values():
            response = interaction.get("response")
            statuses[response["status_code"] if response else "no answer"] += 1
    return sum(statuses.values()), statuses


def main(argv: list[str]) -> int:
    command, *args = argv
    if command == "summary":
        with open(args[0], encoding="utf-8") as handle:
            calls, statuses = run_summary(handle)
        by_status = ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items(), key=str))
        print(f"fuzz calls: {calls} ({by_status})")
        return 0
    import django

    django.setup()
    username, output = args
    with open(output, "w", encoding="utf-8") as handle:
        handle.write(fuzz_config(username))
    return 0


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.base")
    sys.exit(main(sys.argv[1:]))
