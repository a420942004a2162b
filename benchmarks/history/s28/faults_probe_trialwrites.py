# ruff: noqa: B023,E501  (a one-off probe, kept as it was run)
import sys
import warnings

import numpy as np

import tunewise as tw

url = sys.argv[1] if len(sys.argv) > 1 else None
cases = {
    "report step 2**63": lambda t: t.report(1.0, 2**63),
    "report step 2**31": lambda t: t.report(1.0, 2**31),
    "report step -1": lambda t: t.report(1.0, -1),
    "report step 1.5": lambda t: t.report(1.0, 1.5),
    "report step np.int64": lambda t: t.report(1.0, np.int64(3)),
    "report value nan": lambda t: t.report(float("nan"), 1),
    "report value inf": lambda t: t.report(float("inf"), 1),
    "report value str": lambda t: t.report("x", 1),
    "report value 0d torch": lambda t: t.report(__import__("torch").tensor(1.5), 1),
    "report twice same step": lambda t: (t.report(1.0, 1), t.report(2.0, 1)),
    "attr value inf": lambda t: t.set_user_attr("k", float("inf")),
    "attr value nan": lambda t: t.set_user_attr("k", float("nan")),
    "attr value 2**70": lambda t: t.set_user_attr("k", 2**70),
    "attr value 5MB": lambda t: t.set_user_attr("k", "x" * 5_000_000),
    "attr value nul str": lambda t: t.set_user_attr("k", "a\x00b"),
    "attr value surrogate": lambda t: t.set_user_attr("k", "a\ud800b"),
    "attr key surrogate": lambda t: t.set_user_attr("a\ud800b", 1),
    "attr value nested nul key": lambda t: t.set_user_attr("k", {"a\x00": 1}),
    "attr value tuple": lambda t: t.set_user_attr("k", (1, 2)),
    "attr value dict int keys": lambda t: t.set_user_attr("k", {1: 2}),
    "cat choice nan": lambda t: t.suggest_categorical("c", [float("nan"), 1.0]),
    "cat choice nul str": lambda t: t.suggest_categorical("c", ["a\x00", "b"]),
    "cat choice surrogate": lambda t: t.suggest_categorical("c", ["a\ud800", "b"]),
    "cat choice 2**70": lambda t: t.suggest_categorical("c", [2**70, 1]),
    "float low=-inf": lambda t: t.suggest_float("f", float("-inf"), 1),
    "float 1e308 range": lambda t: t.suggest_float("f", -1e308, 1e308),
    "int huge": lambda t: t.suggest_int("i", 0, 2**70),
    "float log low=0": lambda t: t.suggest_float("f", 0, 1, log=True),
    "surrogate param": lambda t: t.suggest_float("a\ud800", 0, 1),
}
for label, f in cases.items():
    st = tw.create_study(storage=url, study_name=None)

    def obj(t):
        t.suggest_float("x", 0, 1)
        f(t)
        return 1.0

    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            st.optimize(obj, n_trials=1)
            err = None
        except Exception as e:
            err = f"{type(e).__name__}: {str(e)[:220]}"
    ts = st.trials
    t = ts[-1] if ts else None
    rt = None
    if t is not None and url:
        try:
            st2 = tw.load_study(study_name=st.study_name, storage=url)
            t2 = st2.trials[-1]
            rt = (
                t2.params == t.params or repr(t2.params) == repr(t.params),
                t2.user_attrs == t.user_attrs or repr(t2.user_attrs) == repr(t.user_attrs),
                t2.intermediate_values == t.intermediate_values
                or repr(t2.intermediate_values) == repr(t.intermediate_values),
            )
        except Exception as e:
            rt = f"reload {type(e).__name__}: {str(e)[:150]}"
    fr = (t.system_attrs.get("fail_reason") or "")[:150] if t else ""
    print(
        f"{label:26s} state={t.state.name if t else None} err={err} rt={rt} fail={fr!r} warns={[str(x.message)[:120] for x in w]}"
    )
    if url:
        tw.delete_study(study_name=st.study_name, storage=url)
