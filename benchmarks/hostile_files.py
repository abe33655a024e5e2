"""Hostile spreadsheets at the sizes an outside probe used, fed to the real CLI import.

    .venv/bin/python benchmarks/hostile_files.py [--dir DIR] [--keep]

Builds each bomb (streamed through zlib, never held whole), then runs
`tuopin import registry FILE --json` in a subprocess per file and prints the exit code,
the refusal's code, the time to refusal and the child's peak RSS
(resource.getrusage(RUSAGE_CHILDREN).ru_maxrss, measured in a fresh intermediate
process per file so that each figure is that file's alone). The probe's two files: a
~3 MB xlsx of 53 million shared strings (it took a worker to 8.2 GB for three minutes),
and a ~1 MB xlsx holding a 1 GiB string (it crashed the import with a traceback). Each is
also run with the limit that refuses it first lifted through the environment, to show the
next line of defence (the streaming checks) holding memory down as well.

The import refuses these files before it touches the database, so the subprocesses use
an empty SQLite file: a refusal that came too late would fail on a missing table.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADER = ["户编号", "姓名", "证件号码"]

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)


def _stream(archive: zipfile.ZipFile, name: str, head: bytes, piece: bytes, count: int, tail):
    """`head`, `piece` `count` times, `tail`: written a MiB at a time, never held whole."""
    block_count = max(1, (1 << 20) // len(piece))
    block = piece * block_count
    with archive.open(name, "w", force_zip64=True) as member:
        member.write(head)
        left = count
        while left >= block_count:
            member.write(block)
            left -= block_count
        member.write(piece * left)
        member.write(tail)


def _workbook(path: Path, sheet, shared) -> Path:
    """An xlsx whose sheet and shared strings are (head, piece, count, tail) streams."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        _stream(archive, "xl/sharedStrings.xml", *shared)
        _stream(archive, "xl/worksheets/sheet1.xml", *sheet)
    return path


def _header_sheet(extra_head: bytes = b"", piece: bytes = b"", count: int = 0, tail=b""):
    cells = "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in HEADER)
    head = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'
        f'<row r="1">{cells}</row>'
    ).encode() + extra_head
    return head, piece or b" ", count, tail + b"</sheetData></worksheet>"


def _sst(count_attribute: int, piece: bytes, count: int, extra_head=b"", tail=b""):
    head = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" '
        f'count="{count_attribute}" uniqueCount="{count_attribute}">'
    ).encode() + extra_head
    return head, piece, count, tail + b"</sst>"


STRINGS = 53_000_000
GIB = 1 << 30


def build(folder: Path) -> list[tuple[str, Path, dict]]:
    """(what, file, environment overrides) for each run."""
    files = []
    # 53 million shared strings: distinct two-character texts would not compress to 3 MB,
    # so the probe's (and ours) repeat one; each is still a separate str once parsed.
    strings = _workbook(
        folder / "shared-strings-53m.xlsx",
        _header_sheet(),
        _sst(STRINGS, b"<si><t>ab</t></si>", STRINGS),
    )
    lying = _workbook(
        folder / "shared-strings-53m-lying-count.xlsx",
        _header_sheet(),
        _sst(1, b"<si><t>ab</t></si>", STRINGS),
    )
    files.append(("53 M shared strings, count declared", strings, {}))
    files.append(("53 M shared strings, count declared 1 (a lie)", lying, {}))
    files.append(
        (
            "53 M shared strings, count a lie, ratio and size limits lifted",
            lying,
            {
                "TUOPIN_UPLOAD_MAX_RATIO": "1000000000",
                "TUOPIN_UPLOAD_MAX_SHARED_STRINGS_BYTES": str(2 * GIB),
            },
        )
    )
    big_cell = _workbook(
        folder / "string-1gib-inline.xlsx",
        _header_sheet(b'<row r="2"><c t="inlineStr"><is><t>', b"a", GIB, b"</t></is></c></row>"),
        _sst(0, b" ", 0),
    )
    files.append(("1 GiB string in a sheet cell", big_cell, {}))
    files.append(
        (
            "1 GiB string in a sheet cell, ratio limit lifted",
            big_cell,
            {"TUOPIN_UPLOAD_MAX_RATIO": "1000000000"},
        )
    )
    big_shared = _workbook(
        folder / "string-1gib-shared.xlsx",
        _header_sheet(),
        _sst(1, b"a", GIB, extra_head=b"<si><t>", tail=b"</t></si>"),
    )
    files.append(("1 GiB string in the shared strings", big_shared, {}))
    files.append(
        (
            "1 GiB string in the shared strings, ratio and size limits lifted",
            big_shared,
            {
                "TUOPIN_UPLOAD_MAX_RATIO": "1000000000",
                "TUOPIN_UPLOAD_MAX_SHARED_STRINGS_BYTES": str(2 * GIB),
            },
        )
    )
    # Within every default limit, the most the shared strings can hold: 4,000,000
    # distinct strings filling the 256 MiB shared-strings part (each 49 characters). The
    # sheet has no header, so the import reads the whole table and then says so.
    edge = folder / "shared-strings-at-the-limits.xlsx"
    with zipfile.ZipFile(edge, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        count = 4_000_000
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            member.write(_sst(count, b"", 0)[0])
            for start in range(0, count, 100_000):
                member.write(
                    "".join(
                        f"<si><t>{n:049d}</t></si>" for n in range(start, start + 100_000)
                    ).encode()
                )
            member.write(b"</sst>")
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c t="s"><v>0</v></c></row>'
            "</sheetData></worksheet>",
        )
    files.append(("4 M distinct shared strings, 256 MiB: at the limits", edge, {}))
    return files


MEASURE = """
import resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
elapsed = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
print(done.returncode, elapsed, peak)
sys.stdout.write(done.stdout[-4000:])
sys.stderr.write(done.stderr[-4000:])
"""


def run(path: Path, overrides: dict, database: Path) -> dict:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.base",
        "DATABASE_URL": f"sqlite:///{database}",
        **overrides,
    }
    tuopin = [sys.executable, "-c", "from tuopin.cli import main; main()"]
    command = [sys.executable, "-c", MEASURE, *tuopin, "import", "registry", str(path), "--json"]
    done = subprocess.run(command, capture_output=True, text=True, env=environment, cwd=ROOT)
    first, _, rest = done.stdout.partition("\n")
    code, elapsed, peak = first.split()
    try:
        error = json.loads(rest)["error"]
    except (ValueError, KeyError):
        error = {"code": "?", "message_en": (rest + done.stderr)[-600:]}
    return {
        "exit": int(code),
        "seconds": float(elapsed),
        "peak_mib": int(peak) / 1024,
        "code": error.get("code"),
        "message": error.get("message_en"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", help="where to build the files (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the built files")
    options = parser.parse_args()
    folder = Path(options.dir or tempfile.mkdtemp(prefix="hostile-"))
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    files = build(folder)
    print(f"built in {time.perf_counter() - started:.1f} s in {folder}")
    for path in sorted({path for _, path, _ in files}):
        with zipfile.ZipFile(path) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
        print(
            f"  {path.name}: {path.stat().st_size / 1e6:.2f} MB, {inflated / 2**20:,.0f} MiB inflated"
        )
    database = folder / "empty.sqlite3"
    print(f"{'file':<66} {'exit':>4} {'refused in':>10} {'peak RSS':>10}  code")
    for what, path, overrides in files:
        result = run(path, overrides, database)
        print(
            f"{what:<66} {result['exit']:>4} {result['seconds']:>8.2f} s "
            f"{result['peak_mib']:>6.0f} MiB  {result['code']}"
        )
        print(f"    {result['message']}")
    if not options.keep:
        for _, path, _ in files:
            path.unlink(missing_ok=True)
        database.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
