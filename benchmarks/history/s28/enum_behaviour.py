"""Print how TrialState and StudyDirection members compare, hash, convert, pickle, print and look
up, one line per probe; run against two checkouts (PYTHONPATH=<src>) and diff (s28 mend 2)."""

from __future__ import annotations

import copy
import json
import pickle

from tunewise.study import StudyDirection
from tunewise.trial import TrialState


def probe(cls: type) -> None:
    others = [-1, 0, 1, 2, 3, 4, 5, True, False, 1.0, 2.0, None, "x"]
    for m in list(cls) + [cls[n] for n in cls.__members__]:
        others_here = others + [m.value, m.name, m.value.upper(), m.value.lower()] + list(cls)
        print(
            cls.__name__,
            m.name,
            repr(m),
            str(m),
            f"{m}",
            format(m, ">12"),
            hash(m) == hash(m.value),
            int(m),
            json.dumps(m),
            pickle.loads(pickle.dumps(m)) is m,
            copy.deepcopy(m) is m,
            m in {m.value},
            {m.value: 1}.get(m),
            m.is_finished() if hasattr(m, "is_finished") else "-",
        )
        for o in others_here:
            print("  ", repr(o), m == o, m != o, o == m, o != m)
    for v in [0, 1, 2, 3, 4, 5, -1, True, False, "COMPLETE", "FAILED", "minimize", "maximize", "x", 1.0]:
        try:
            print(cls.__name__, "lookup", repr(v), repr(cls(v)))
        except Exception as e:  # noqa: BLE001
            print(cls.__name__, "lookup", repr(v), type(e).__name__, e)
    print(cls.__name__, sorted(cls.__members__), [type(b).__name__ for b in cls.__mro__][:1], len(list(cls)))
    print(cls.__name__, "sorted", sorted(list(cls)), max(list(cls)))


probe(TrialState)
probe(StudyDirection)
