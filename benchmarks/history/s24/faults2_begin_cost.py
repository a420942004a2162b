"""s24 faults2, case 1: client CPU and wall of a PostgreSQL write transaction's BEGIN round trip,
bare (``BEGIN``, before) and with the transaction id (``BEGIN; SELECT txid_current()``, then
``nextset`` / ``fetchone``, after), each followed by ``COMMIT`` of the empty transaction.
Interleaved rounds of 1,000; medians. ``python benchmarks/history/s24/faults2_begin_cost.py``.
"""

from __future__ import annotations

import json
import statistics
import time

from tunewise.storage import SQLStorage


def main() -> None:
    storage = SQLStorage(open("/tmp/pgurl").read().strip())
    cur = storage._db.raw().cursor()

    def bare() -> None:
        cur.execute("BEGIN")
        cur.execute("COMMIT")

    def with_xid() -> None:
        cur.execute("BEGIN; SELECT txid_current()")
        cur.nextset()
        cur.fetchone()
        cur.execute("COMMIT")

    res: dict[str, dict[str, list[float]]] = {"BEGIN": {"cpu": [], "wall": []}, "BEGIN+txid": {"cpu": [], "wall": []}}
    for _ in range(7):
        for name, fn in (("BEGIN", bare), ("BEGIN+txid", with_xid)):
            c0, w0 = time.process_time(), time.perf_counter()
            for _ in range(1000):
                fn()
            res[name]["cpu"].append((time.process_time() - c0) * 1e3)
            res[name]["wall"].append((time.perf_counter() - w0) * 1e3)
    for name, r in res.items():
        print(
            json.dumps(
                {
                    "case": "begin_commit",
                    "variant": name,
                    "client_cpu_us_median": round(statistics.median(r["cpu"]), 1),
                    "wall_us_median": round(statistics.median(r["wall"]), 1),
                }
            )
        )


if __name__ == "__main__":
    main()
