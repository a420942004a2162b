"""Session 26: hostile study names and broken storage URLs (SQLite, and PostgreSQL when
TUNEWISE_TEST_POSTGRES_URL is set). Output: faults_hostile_probe.txt.
"""

import os
import tempfile
import time

import tunewise as tw

tw.logging.set_verbosity(tw.logging.ERROR)
pg = os.environ.get("TUNEWISE_TEST_POSTGRES_URL")
d = tempfile.mkdtemp()
names = [
    "a'b",
    'a"b',
    "a\nb",
    "x" * 600,
    "x" * 512,
    "",
    " ",
    "é🙂",
    "%s%(x)s",
    "a;DROP TABLE tunewise_trials;--",
    "\x00nul",
]
for url in (f"sqlite:///{d}/h.db", pg):
    for n in names:
        try:
            s = tw.create_study(study_name=n, storage=url)
            s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
            s2 = tw.load_study(study_name=n, storage=url)
            ok = len(s2.trials) == 2 and s2.study_name == n
            print(url[:10], repr(n[:20]), "OK" if ok else f"MISMATCH {len(s2.trials)}")
        except Exception as e:
            print(url[:10], repr(n[:20]), type(e).__name__, str(e)[:140].replace("\n", " "))
bad = [
    f"sqlite:///{d}/nodir/x.db",
    "sqlite:///",
    "sqlite://",
    "postgresql://tw:wrong@127.0.0.1:5432/tunewise_test",
    "postgresql://tw:tw@127.0.0.1:1/x",
    "postgresql://tw:tw@127.0.0.1:5432/nosuchdb",
    "mysql://a@b/c",
    "nonsense",
    f"sqlite:///{d}",
    "sqlite:///:memory:",
    "postgresql+psycopg2://tw:tw@127.0.0.1/tunewise_test",
]

for u in bad:
    t0 = time.time()
    try:
        s = tw.create_study(storage=u)
        s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
        print(repr(u[:50]), "OK", len(s.trials), f"{time.time() - t0:.1f}s")
    except Exception as e:
        print(repr(u[:50]), type(e).__name__, str(e)[:160].replace("\n", " "), f"{time.time() - t0:.1f}s")
