#!/bin/sh
# Usage: faults_sqlite_stopped_writer.sh OUT  (the working tree). The odds of a stop inside a write
# for a 20 ms and a 0 ms objective, then one stop held 20 s inside a write: with busy_timeout =
# retry_seconds = 5 s (scaled down), and with tunewise's defaults (60 s).
cd "$(dirname "$0")/../../.."
py="nice -n 5 .venv/bin/python benchmarks/history/s24/faults_sqlite_stopped_writer.py"
$py --trial-s 0.02 --stops 40 --stop-s 1 >> "$1"
$py --trial-s 0 --stops 40 --stop-s 1 >> "$1"
$py --trial-s 0 --stops 0 --long-s 20 --bt 5 >> "$1"
$py --trial-s 0 --stops 0 --long-s 20 --bt 60 >> "$1"
