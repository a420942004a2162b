"""Collect the run-side probes' READ lines (what each program read) from a W&B offline run and tunewise runs of
wandb_wild9.py, one block per probe and mode, for wandb_wild9_raw/reads.txt.

    .venv/bin/python benchmarks/history/s29/wandb_wild9_reads.py LABEL=WORK_DIR/MODE_SUBDIR[:JSON] ...
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def reads_from_tail(text: str) -> list[str]:
    return [line[line.index("READ "):] for line in text.splitlines() if "READ {" in line]


def main() -> None:
    for arg in sys.argv[1:]:
        label, _, rest = arg.partition("=")
        work, _, js = rest.partition(":")
        results = json.loads(Path(js).read_text()) if js else {}
        print(f"# {label}")
        names = sorted(set(results) | {p.name for p in Path(work).iterdir() if p.is_dir()})
        for name in names:
            if not name.startswith("probe_"):
                continue
            lines = reads_from_tail(results.get(name, {}).get("tail", ""))
            for log in sorted((Path(work) / name).glob("tunewise_runs/*/run-*/output.log")):
                lines += reads_from_tail(log.read_text(errors="replace"))
            print(f"## {name}")
            for line in lines:
                print(line)
        print()


if __name__ == "__main__":
    main()
