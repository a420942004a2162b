# ruff: noqa: B023,E501  (a one-off probe, kept as it was run)
import sys
import warnings

import tunewise as tw

url = sys.argv[1] if len(sys.argv) > 1 else None
names = {
    "unicode": "λ_é中🙂",
    "10kB": "p" * 10_000,
    "sql": "x'); DROP TABLE tunewise_trials;--",
    "nul": "a\x00b",
    "empty": "",
    "newline": "a\nb",
    "pct": "%s%(x)s",
    "dot": "a.b",
    "surrogate": "a\ud800b",
    "space": " ",
}
for label, n in names.items():
    sname = f"hostile_{label}"
    if url:
        try:
            tw.delete_study(study_name=sname, storage=url)
        except Exception:
            pass
    st = tw.create_study(study_name=sname, storage=url)
    for what, f in [
        ("param", lambda t: t.suggest_float(n, 0, 1)),
        ("cat choice", lambda t: (t.suggest_float("x", 0, 1), t.suggest_categorical("c", [n, "ok"]))[0]),
        ("user_attr key", lambda t: (t.set_user_attr(n, 1), t.suggest_float("x", 0, 1))[1]),
        ("user_attr value", lambda t: (t.set_user_attr("k", n), t.suggest_float("x", 0, 1))[1]),
        ("study user_attr", lambda t: (st.set_user_attr(n, n), t.suggest_float("x", 0, 1))[1]),
        ("metric_names", lambda t: (st.set_metric_names([n]), t.suggest_float("x", 0, 1))[1]),
    ]:
        before = len(st.trials)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            try:
                st.optimize(f, n_trials=1)
                err = None
            except Exception as e:
                err = f"{type(e).__name__}: {str(e)[:200]}"
        ts = st.trials
        t = ts[-1] if len(ts) > before else None
        rt = None
        if t is not None:
            try:
                st2 = tw.load_study(study_name=sname, storage=url) if url else st
                t2 = st2.trials[-1]
                rt = (t2.params == t.params, t2.user_attrs == t.user_attrs)
            except Exception as e:
                rt = f"reload {type(e).__name__}: {str(e)[:150]}"
        print(
            f"{label:10s} {what:16s} state={t.state.name if t else None} err={err} roundtrip={rt} warns={[str(x.message)[:120] for x in w]}"
        )
    if url:
        try:
            tw.delete_study(study_name=sname, storage=url)
        except Exception as e:
            print("delete", e)
