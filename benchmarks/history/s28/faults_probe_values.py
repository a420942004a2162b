# ruff: noqa: B023,E501  (a one-off probe, kept as it was run)
import sys
import warnings

import numpy as np

import tunewise as tw

tw.logging.set_verbosity(tw.logging.WARNING) if hasattr(tw, "logging") else None
vals = {
    "inf": float("inf"),
    "-inf": float("-inf"),
    "nan": float("nan"),
    "np.float32": np.float32(1.5),
    "np.int64": np.int64(3),
    "np.bool_": np.bool_(True),
    "0d-array": np.array(2.5),
    "1-elem array": np.array([2.5]),
    "str": "abc",
    "numeric str": "1.5",
    "None": None,
    "list": [1.0],
    "complex": 1 + 2j,
    "Decimal": __import__("decimal").Decimal("1.25"),
    "Fraction": __import__("fractions").Fraction(1, 3),
    "bool": True,
    "huge int": 10**400,
}
try:
    import torch

    vals["torch 0d"] = torch.tensor(1.25)
    vals["torch 0d requires_grad"] = torch.tensor(1.25, requires_grad=True)
    vals["torch 1elem"] = torch.tensor([1.25])
except ImportError:
    print("no torch")
url = sys.argv[1] if len(sys.argv) > 1 else None
for name, v in vals.items():
    st = (
        tw.create_study(storage=url, study_name=f"v_{abs(hash(name))}", load_if_exists=True)
        if url
        else tw.create_study()
    )
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            st.optimize(lambda t: (t.suggest_float("x", 0, 1), v)[1], n_trials=1)
            err = None
        except Exception as e:
            err = f"{type(e).__name__}: {e}"
    t = st.trials[-1] if st.trials else None
    print(
        f"{name:24s} state={t.state.name if t else None} value={t.value if t else None!r} err={err} warns={[str(x.message)[:150] for x in w]}"
    )
    # second trial to check study still works
    st.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    try:
        b = st.best_value
    except Exception as e:
        b = f"{type(e).__name__}: {e}"
    print(f"    best={b!r} states={[x.state.name for x in st.trials]}")
