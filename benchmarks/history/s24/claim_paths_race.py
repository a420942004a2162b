"""Two workers claim the same keys at once by the two paths: a start that claims (``PreparedStart.claim``)
and ``claim_for_trial`` for a running trial. Counts each key's winners (must be 1), errors, and the
time per key (a deadlock between the two paths shows as a ~1 s stall per key on PostgreSQL, whose
deadlock detector aborts one of them, and the storage retries).

Usage: python claim_paths_race.py --storage sqlite|postgresql [--keys 100]. One JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
import time
import uuid

import tunewise as tw
from tunewise.storage import SQLStorage
from tunewise.storage._base import ClaimTaken, PreparedStart


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--storage", default="sqlite")
    ap.add_argument("--keys", type=int, default=100)
    args = ap.parse_args()
    url = (
        f"sqlite:///{tempfile.mkdtemp()}/race.db"
        if args.storage == "sqlite"
        else os.environ["TUNEWISE_TEST_POSTGRES_URL"]
    )
    a, b = SQLStorage(url), SQLStorage(url)
    sid = a.create_study(f"race-{uuid.uuid4().hex[:8]}", ["minimize"])
    running = b.start_trial(sid)
    wins = {"start": [], "trial": []}
    errors: list[str] = []
    barrier = threading.Barrier(2)

    def starts() -> None:
        for k in range(args.keys):
            barrier.wait()
            try:
                a.start_trial(sid, prepared=PreparedStart(None, {"grid_id": k}, {}, f"grid:{k}"))
                wins["start"].append(k)
            except ClaimTaken:
                pass
            except Exception as e:  # noqa: BLE001
                errors.append(f"start: {type(e).__name__}: {e}")

    def claims() -> None:
        for k in range(args.keys):
            barrier.wait()
            try:
                if b.claim_for_trial(sid, running.trial_id, f"grid:{k}", {"grid_id": k}):
                    wins["trial"].append(k)
            except Exception as e:  # noqa: BLE001
                errors.append(f"claim_for_trial: {type(e).__name__}: {e}")

    t0 = time.time()
    threads = [threading.Thread(target=starts), threading.Thread(target=claims)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.time() - t0
    won = sorted(wins["start"] + wins["trial"])
    print(
        json.dumps(
            {
                "tree": tw.__file__,
                "storage": args.storage,
                "keys": args.keys,
                "won_by_start": len(wins["start"]),
                "won_by_claim_for_trial": len(wins["trial"]),
                "keys_won_once": won == list(range(args.keys)),
                "errors": errors[:3],
                "n_errors": len(errors),
                "ms_per_key": round(1000 * seconds / args.keys, 1),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
