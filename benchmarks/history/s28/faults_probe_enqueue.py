# ruff: noqa: E501  (a one-off probe, kept as it was run)
import sys
import warnings

import tunewise as tw

url = sys.argv[1] if len(sys.argv) > 1 else None
cases = {
    "nan": {"x": float("nan")},
    "inf": {"x": float("inf")},
    "str for float": {"x": "abc"},
    "numeric str": {"x": "0.5"},
    "out of range": {"x": 5.0},
    "unknown param": {"zz": 1.0},
    "dict value": {"x": {"a": 1}},
    "None": {"x": None},
    "list": {"x": [0.5]},
    "bool": {"x": True},
    "cat not in choices": {"c": "nope"},
    "int for int 2.5": {"n": 2.5},
    "nul key": {"a\x00": 1.0},
}
for label, params in cases.items():
    st = tw.create_study(storage=url, sampler=tw.samplers.RandomSampler(seed=0))
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            st.enqueue_trial(params)
            e1 = None
        except Exception as e:
            e1 = f"{type(e).__name__}: {str(e)[:160]}"
        try:
            st.optimize(
                lambda t: (
                    t.suggest_float("x", 0, 1) + t.suggest_int("n", 0, 5) + len(t.suggest_categorical("c", ["a", "b"]))
                ),
                n_trials=2,
            )
            e2 = None
        except Exception as e:
            e2 = f"{type(e).__name__}: {str(e)[:160]}"
    ts = st.trials
    print(
        f"{label:20s} enqueue_err={e1} optimize_err={e2} states={[t.state.name for t in ts]} p0={ts[0].params if ts else None} fail={(ts[0].system_attrs.get('fail_reason') or '')[:140] if ts else ''} warns={[str(x.message)[:140] for x in w]}"
    )
