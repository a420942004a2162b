# ruff: noqa: E501  (a one-off probe, kept as it was run)
import subprocess
import sys
import warnings

import tunewise as tw

url = sys.argv[1]


def run(label, f):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            r = f()
            err = None
        except Exception as e:
            r = None
            err = f"{type(e).__name__}: {e}"
    print(f"{label}: result={r!r:.120} err={err!s:.300} warns={[str(x.message)[:200] for x in w]}")


name = "asktell_probe"
try:
    tw.delete_study(study_name=name, storage=url)
except Exception:
    pass
st = tw.create_study(study_name=name, storage=url)
t = st.ask()
t.suggest_float("x", 0, 1)
run("tell 1", lambda: st.tell(t, 1.0).state)
run("tell twice same value", lambda: st.tell(t, 1.0))
run("tell twice other value", lambda: st.tell(t, 2.0))
run("tell twice FAIL", lambda: st.tell(t, state=tw.TrialState.FAIL))
run("tell by number twice", lambda: st.tell(t.number, 3.0))
print("  trials:", [(x.number, x.state.name, x.value) for x in st.trials])
t2 = st.ask()
t2.suggest_float("x", 0, 1)
run("tell unknown number 99", lambda: st.tell(99, 1.0))
run("tell -1", lambda: st.tell(-1, 1.0))
run("tell NaN", lambda: st.tell(t2, float("nan")).state)
run("tell again after NaN", lambda: st.tell(t2, 1.0))
t3 = st.ask()
t3.suggest_float("x", 0, 1)
run("tell wrong n values", lambda: st.tell(t3, [1.0, 2.0]))
run("tell after wrong n", lambda: st.tell(t3, 1.0).state)
# told from another process
t4 = st.ask()
t4.suggest_float("x", 0, 1)
code = f"import tunewise as tw; s=tw.load_study(study_name={name!r}, storage={url!r}); print(s.tell({t4.number}, 4.0).state)"
p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
print("other process tell:", p.stdout.strip(), p.stderr.strip()[-300:])
run("tell same in this process after other", lambda: st.tell(t4, 5.0))
run("report after told elsewhere", lambda: t4.report(1.0, 1))
print("  trials:", [(x.number, x.state.name, x.value) for x in st.trials])
# tell after delete
t5 = st.ask()
t5.suggest_float("x", 0, 1)
tw.delete_study(study_name=name, storage=url)
run("tell after delete", lambda: st.tell(t5, 1.0))
run("report after delete", lambda: t5.report(1.0, 1))
run("set_user_attr after delete", lambda: t5.set_user_attr("a", 1))
