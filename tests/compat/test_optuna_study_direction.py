"""study.direction / directions are StudyDirection members with Optuna's ``.name`` (third-party
scripts print or store ``study.direction.name``, as ``'MAXIMIZE'``), while still equal to, hashed
as and printed as the strings tunewise stores."""

from __future__ import annotations

import json

import tunewise as tw
from tunewise.study import StudyDirection


def test_direction_has_optunas_name_and_stays_a_string():
    study = tw.create_study(direction="maximize")
    assert study.direction is StudyDirection.MAXIMIZE and study.direction.name == "MAXIMIZE"
    assert study.direction == "maximize" and f"{study.direction}" == "maximize" == str(study.direction)
    assert {"maximize": 1}[study.direction] == 1 and study.direction in {"maximize"}
    assert json.dumps(study.directions) == '["maximize"]'
    assert study.direction == tw.study.StudyDirection.MAXIMIZE
    assert repr(study).endswith("directions=['maximize'])") and repr(study.directions) == "['maximize']"


def test_every_direction_and_summaries_and_loaded_studies(tmp_path):
    url = f"sqlite:///{tmp_path}/d.db"
    study = tw.create_study(name="mo", storage=url, directions=["minimize", "maximize"])
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), 1.0), n_trials=2)
    assert [d.name for d in tw.load_study(study_name="mo", storage=url).directions] == ["MINIMIZE", "MAXIMIZE"]
    (summary,) = tw.get_all_study_summaries(url)
    assert [d.name for d in summary.directions] == ["MINIMIZE", "MAXIMIZE"]
    tw.copy_study(from_study_name="mo", from_storage=url, to_storage=url, to_study_name="copy")
    assert tw.load_study(study_name="copy", storage=url).directions == ["minimize", "maximize"]


def test_direction_equals_optunas_number_as_its_intenum_does():
    # Optuna's StudyDirection is an IntEnum (MINIMIZE 1, MAXIMIZE 2): scripts call int() on it,
    # compare it with the number, or rebuild it from a number json.dump wrote (s27's probe).
    study = tw.create_study(directions=["minimize", "maximize"])
    assert [int(d) for d in study.directions] == [1, 2]
    assert study.directions[1] == 2 and study.directions[1] != 1 and not study.directions[0] == 2
    assert StudyDirection(1) is StudyDirection.MINIMIZE and StudyDirection(2) is StudyDirection.MAXIMIZE
    assert StudyDirection("maximize") is StudyDirection.MAXIMIZE
    assert study.directions[0] != True  # noqa: E712  (a bool is not a number here)
    assert json.dumps(study.directions) == '["minimize", "maximize"]'  # JSON keeps the strings
