"""Ledgers (台账/清单) as xlsx: the shortfall ledger, the exit list and the village exit list."""

from pathlib import Path

from tuopin.core.spreadsheets import workbook as new_workbook
from tuopin.policy.explain import VERDICT
from tuopin.policy.results import runs_of_rows
from tuopin.policy.selectors import (
    Parts,
    clause_titles,
    decoded,
    ledger_areas,
    ledger_rows,
    measures_by_household,
    parts_columns,
)

BATCH = 2_000


def _batched(queryset):
    batch = []
    for row in queryset.iterator(chunk_size=BATCH):
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _basis(parts) -> str:
    """The runs a ledger rests on, for its first row."""
    return "；".join(
        f"{run.policy.title}（{run.policy}）{run.year} 年 · 评估 #{run.pk} · {run.as_of}"
        for run, _keys in parts
    )


def write_household_ledger(
    user, parts: Parts, region_code: str, path: Path, *, passing: bool, progress=None
) -> int:
    """One row per household, grouped by village; failing and unknown clauses spelled out.
    `parts`: the runs and what each serves (`ledger_runs`), one run or each county's."""
    runs = runs_of_rows(run for run, _keys in parts)
    titles = {pk: clause_titles(run) for pk, run in runs.items()}
    year = parts[0][0].year
    workbook = new_workbook(path)
    sheet = workbook.add_worksheet("贫困退出清单" if passing else "短板台账")
    bold = workbook.add_format({"bold": True})
    header = ["行政村", "村代码", "户编号", "户主", "现有人口", "评估结果"]
    if not passing:
        header += ["未达标条款", "待核实条款"]
    header += ["帮扶责任人", "联系电话", "帮扶措施"]
    sheet.write_row(0, 0, [_basis(parts)], bold)
    sheet.write_row(1, 0, header, bold)
    queryset = ledger_rows(user, parts, region_code, passing=passing)
    total = queryset.count()
    written = 0
    for batch in _batched(queryset):
        measures = measures_by_household([row.household_id for row in batch], year)
        for row in batch:
            values = decoded(runs[row.run_id], row.clauses)
            named = titles[row.run_id]
            line = [
                row.village_name or "",
                row.village_code,
                row.household_number,
                row.head_name or "",
                row.size or 0,
                VERDICT[row.result],
            ]
            if not passing:
                line += [
                    "、".join(named.get(c, c) for c, v in values.items() if v == "fail"),
                    "、".join(named.get(c, c) for c, v in values.items() if v == "unknown"),
                ]
            line += [
                row.helper_name or "",
                row.helper_phone or "",
                "；".join(measures.get(row.household_id, [])),
            ]
            sheet.write_row(written + 2, 0, line)
            written += 1
        if progress and total:
            progress(10 + 85 * written / total, f"{written}/{total}")
    workbook.close()
    return written


def write_area_ledger(user, parts: Parts, region_code: str, path: Path) -> int:
    """The village (or county) exit list of the runs and parts given, under the region."""
    runs = {run.pk: run for run, _keys in parts}
    codes, titles = parts_columns(parts)
    workbook = new_workbook(path)
    level = parts[0][0].level
    sheet = workbook.add_worksheet("贫困村退出清单" if level == "village" else "贫困县退出")
    bold = workbook.add_format({"bold": True})
    sheet.write_row(
        0, 0, ["区划代码", "名称", "评估结果", *[titles.get(c, c) for c in codes]], bold
    )
    count = 0
    for count, row in enumerate(ledger_areas(user, parts, region_code), start=1):
        values = decoded(runs[row.run_id], row.clauses)
        sheet.write_row(
            count,
            0,
            [
                row.region_id,
                row.region.name,
                VERDICT[row.result],
                *[VERDICT[values[c]] if c in values else "—" for c in codes],
            ],
        )
    workbook.close()
    return count


def write_county_summary(summary: dict, year: int, out) -> None:
    """The county summary against the targets (aggregates only, no personal data)."""
    workbook = new_workbook(out, in_memory=True)
    sheet = workbook.add_worksheet("县级汇总")
    bold = workbook.add_format({"bold": True})
    sheet.write_row(0, 0, [f"{year} 年脱贫攻坚目标完成情况"], bold)
    header = [
        "县（市、区）",
        "区划代码",
        "贫困县",
        "建档立卡人口",
        "未脱贫人口",
        "计划当年脱贫人口",
    ]
    header += ["达到标准人口", "贫困村", "达到标准的贫困村", "县退出评估"]
    sheet.write_row(1, 0, header, bold)
    for index, row in enumerate(summary["rows"], start=2):
        sheet.write_row(
            index,
            0,
            [
                row["county"].name,
                row["county"].code,
                "是" if row["poor_county"] else "",
                row["registered"],
                row["remaining"],
                row["planned"],
                row["passing_people"],
                row["poor_villages"],
                row["passing_villages"],
                VERDICT.get(row["county_result"], "—"),
            ],
        )
    totals, targets = summary["totals"], summary["targets"]
    last = len(summary["rows"]) + 3
    sheet.write_row(last, 0, ["目标", "", "", "", "", ""], bold)
    sheet.write_row(
        last + 1, 0, ["达到标准人口 / 目标", totals["passing_people"], targets["people"]]
    )
    sheet.write_row(last + 2, 0, ["贫困村 / 目标", totals["passing_villages"], targets["villages"]])
    sheet.write_row(last + 3, 0, ["贫困县 / 目标", totals["passing_counties"], targets["counties"]])
    workbook.close()
