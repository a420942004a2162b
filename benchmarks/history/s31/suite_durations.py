"""Sum the lines of a pytest --durations=0 log per directory and per file (call+setup+teardown).

    python3 benchmarks/history/s31/suite_durations.py benchmarks/history/s31/suite_xdist_n2_durations.txt 15
"""
import re
import sys
from collections import defaultdict

LINE = re.compile(r"^([0-9.]+)s (call|setup|teardown)\s+(\S+?)::")


def sums(path):
    per_dir, per_file, per_phase = defaultdict(float), defaultdict(float), defaultdict(float)
    for line in open(path, errors="replace"):
        m = LINE.match(line)
        if not m:
            continue
        secs, phase, file = float(m.group(1)), m.group(2), m.group(3)
        parts = file.split("/")
        d = "/".join(parts[:2]) if parts[0] == "tests" and len(parts) > 2 else (
            "tests (top-level files)" if parts[0] == "tests" else "src/tunewise (doctests)")
        per_dir[d] += secs
        per_file[file] += secs
        per_phase[phase] += secs
    return per_dir, per_file, per_phase


if __name__ == "__main__":
    per_dir, per_file, per_phase = sums(sys.argv[1])
    total = sum(per_dir.values())
    print(f"sum of durations: {total:.0f} s  ({', '.join(f'{k} {v:.0f}' for k, v in per_phase.items())})")
    print("| directory | seconds | share |")
    print("|---|---:|---:|")
    for d, s in sorted(per_dir.items(), key=lambda kv: -kv[1]):
        print(f"| {d} | {s:.0f} | {100 * s / total:.0f}% |")
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    print(f"\n| file (top {n}) | seconds |")
    print("|---|---:|")
    for f, s in sorted(per_file.items(), key=lambda kv: -kv[1])[:n]:
        print(f"| {f} | {s:.1f} |")
