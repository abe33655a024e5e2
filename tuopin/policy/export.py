"""A run's results as a file: CSV, xlsx or Parquet, streamed from the results table.

Columns: household_number, village_code, result, then one column per clause code with
pass/fail/unknown (villages and counties: region_code, name, result, clauses).
"""

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tuopin.core.errors import TuopinError
from tuopin.core.spreadsheets import csv_writer
from tuopin.core.spreadsheets import workbook as new_workbook
from tuopin.policy.engine.python import LETTERS
from tuopin.policy.models import AreaResult, EvaluationRun, Level
from tuopin.policy.results import stored_results

BATCH = 20_000


def result_rows(run: EvaluationRun):
    """Header, then one list per subject, in household number (or region code) order."""
    codes = list(run.clause_codes)
    if run.level == Level.HOUSEHOLD:
        yield ["household_number", "village_code", "result", *codes]
        rows = (
            stored_results(run)
            .order_by("village_code", "household_number")
            .values_list("household_number", "village_code", "result", "clauses")
        )
        for number, village, result, letters in rows.iterator(chunk_size=BATCH):
            yield [number, village, result, *(LETTERS[letter] for letter in letters)]
    else:
        yield ["region_code", "name", "result", *codes]
        rows = (
            AreaResult.objects.filter(run=run)
            .order_by("region_id")
            .values_list("region_id", "region__name", "result", "clauses")
        )
        for code, name, result, letters in rows.iterator(chunk_size=BATCH):
            yield [code, name, result, *(LETTERS[letter] for letter in letters)]


def write_results(run: EvaluationRun, path: Path) -> int:
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".parquet"):
        raise TuopinError(
            "results_format",
            "结果文件应为 .csv、.xlsx 或 .parquet",
            "the results file must be .csv, .xlsx or .parquet",
        )
    rows = result_rows(run)
    header = next(rows)
    count = 0
    if suffix == ".csv":
        with open(path, "w", newline="", encoding="utf-8") as out:
            writer = csv_writer(out)
            writer.writerow(header)
            for row in rows:
                writer.writerow(row)
                count += 1
    elif suffix == ".xlsx":
        workbook = new_workbook(path)
        sheet = workbook.add_worksheet("评估结果")
        sheet.write_row(0, 0, header)
        for count, row in enumerate(rows, start=1):
            sheet.write_row(count, 0, row)
        workbook.close()
    else:
        schema = pa.schema([(name, pa.string()) for name in header])
        with pq.ParquetWriter(path, schema) as writer:
            batch = []
            for row in rows:
                batch.append(row)
                if len(batch) == BATCH:
                    count += _write_batch(writer, schema, batch)
                    batch = []
            count += _write_batch(writer, schema, batch)
    return count


def _write_batch(writer, schema, batch) -> int:
    if batch:
        columns = [list(column) for column in zip(*batch, strict=True)]
        writer.write_table(pa.Table.from_arrays(columns, schema=schema))
    return len(batch)
