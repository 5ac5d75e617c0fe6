#!/usr/bin/env python3
"""Regenerates engine/data/cn_calendar.csv, the official Chinese working-day calendar.

The dates come from one pinned version of the `chinesecalendar` package (import name
`chinese_calendar`, MIT licence), which transcribes the State Council General Office's yearly
notices on public-holiday arrangements. The output lists every special date from FIRST_YEAR
through the last year the package covers:

    date,kind,name
    2021-02-07,workday,春节      a weekend day that is an official working day (调休上班)
    2021-02-11,holiday,春节      an official day off in a holiday period (weekday or weekend)

Every other day is a working day when it is Monday to Friday. The Rust side
(engine/src/calendar.rs) embeds the file and takes its covered years from the rows.

Usage:
    python3 scripts/gen_calendar.py            # writes engine/data/cn_calendar.csv
    python3 scripts/gen_calendar.py --check    # exits 1 if the committed file differs
    python3 scripts/gen_calendar.py -o PATH    # writes somewhere else

If the pinned version is not importable, the script makes a temporary venv, installs
chinesecalendar==VERSION into it with pip, and runs itself again there. Python 3.11 standard
library only, besides that package. The output is deterministic: same version, same bytes.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

PACKAGE = "chinesecalendar"
VERSION = "1.11.0"
MODULE = "chinese_calendar"
FIRST_YEAR = 2017

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "engine" / "data" / "cn_calendar.csv"
RERUN_GUARD = "GEN_CALENDAR_IN_VENV"

# The package's short Chinese names, spelled out as festival names.
FULL_NAMES = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}

# The package's LICENSE file (the wheel ships none), as its MIT terms ask copies to carry it.
COPYRIGHT = "Copyright (c) 2017 Lirian Su"
MIT_NOTICE = """\
Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE."""


def pinned_version_importable() -> bool:
    try:
        if importlib.metadata.version(PACKAGE) != VERSION:
            return False
        module = __import__(MODULE)
    except (ImportError, importlib.metadata.PackageNotFoundError):
        return False
    return getattr(module, "__version__", None) == VERSION


def rerun_in_temporary_venv() -> int:
    """Installs the pinned package into a throwaway venv and runs this script there."""
    with tempfile.TemporaryDirectory(prefix="gen-calendar-") as tmp:
        env_dir = Path(tmp) / "venv"
        print(f"gen_calendar: installing {PACKAGE}=={VERSION} into a temporary venv", file=sys.stderr)
        venv.create(env_dir, with_pip=True)
        python = env_dir / ("Scripts" if os.name == "nt" else "bin") / "python"
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             f"{PACKAGE}=={VERSION}"],
            check=True,
        )
        env = dict(os.environ, **{RERUN_GUARD: "1"})
        return subprocess.run([str(python), str(Path(__file__).resolve()), *sys.argv[1:]], env=env).returncode


def render() -> str:
    """The CSV text, from the importable pinned package."""
    from chinese_calendar.constants import Holiday, holidays, workdays

    meta = importlib.metadata.metadata(PACKAGE)
    licence = meta["License"]
    if not licence.startswith("MIT"):
        raise SystemExit(f"gen_calendar: {PACKAGE}=={VERSION} says its licence is {licence!r}, not MIT")
    home = meta["Home-page"]

    # The package's own range: it refuses dates in later years.
    last_year = max(holidays).year

    chinese = {h.value: FULL_NAMES.get(h.chinese, h.chinese) for h in Holiday}
    rows: list[tuple[str, str, str]] = []
    for kind, table in (("holiday", holidays), ("workday", workdays)):
        for day, value in table.items():
            if FIRST_YEAR <= day.year <= last_year:
                if kind == "workday" and day.weekday() < 5:
                    raise SystemExit(f"gen_calendar: workday {day} is not a weekend day")
                rows.append((day.isoformat(), kind, chinese[value]))
    rows.sort()
    for a, b in zip(rows, rows[1:]):
        if a[0] == b[0]:
            raise SystemExit(f"gen_calendar: {a[0]} is listed twice ({a[1]}, {b[1]})")
    years = {int(r[0][:4]) for r in rows}
    missing = sorted(set(range(FIRST_YEAR, last_year + 1)) - years)
    if missing:
        raise SystemExit(f"gen_calendar: no special days for {missing}")

    lines = [
        f"# source: {PACKAGE} {VERSION} ({home}), transcribing the State Council General Office's yearly"
        " notices on public-holiday arrangements (国务院办公厅关于部分节假日安排的通知)",
        f"# licence: {licence}, {COPYRIGHT} (the {PACKAGE} package); its permission notice is below",
        f"# generated by scripts/gen_calendar.py from {PACKAGE}=={VERSION}; do not edit by hand",
        f"# covers: {FIRST_YEAR}-{last_year}; a date in another year is an error, never a weekday guess",
        "# kind: holiday = an official day off in a holiday period (weekday or weekend);"
        " workday = a weekend day that is an official working day (调休上班);"
        " any other Monday to Friday is a working day",
        "#",
        *(f"# {line}".rstrip() for line in MIT_NOTICE.splitlines()),
        "date,kind,name",
        *(",".join(row) for row in rows),
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT, help="where to write the CSV")
    parser.add_argument("--check", action="store_true", help="compare with the file instead of writing it")
    args = parser.parse_args()

    if not pinned_version_importable():
        if os.environ.get(RERUN_GUARD):
            raise SystemExit(f"gen_calendar: {PACKAGE}=={VERSION} is still not importable in the venv")
        return rerun_in_temporary_venv()

    data = render().encode("utf-8")
    if args.check:
        current = args.output.read_bytes() if args.output.exists() else b""
        if current != data:
            print(f"gen_calendar: {args.output} is not what {PACKAGE}=={VERSION} gives; rerun the script",
                  file=sys.stderr)
            return 1
        print(f"gen_calendar: {args.output} is up to date")
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)
    lines = data.count(b"\n")
    print(f"gen_calendar: wrote {args.output} ({lines} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
