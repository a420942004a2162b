"""Optuna's StudyDirection has NOT_SET (0) beside MINIMIZE (1) and MAXIMIZE (2); scripts name it
(``direction == StudyDirection.NOT_SET`` checks, ``StudyDirection(0)``, listing the members): in
tunewise it was an AttributeError (s32 batch 12 probe). A study is still made only with
'minimize' or 'maximize', as Optuna's."""

from __future__ import annotations

import pytest

import tunewise as tw
from tunewise.study import StudyDirection


def test_not_set_is_a_member_numbered_zero() -> None:
    assert StudyDirection.NOT_SET.name == "NOT_SET" and int(StudyDirection.NOT_SET) == 0
    assert StudyDirection(0) is StudyDirection.NOT_SET and StudyDirection.NOT_SET == 0
    assert [d.name for d in StudyDirection] == ["NOT_SET", "MINIMIZE", "MAXIMIZE"]
    study = tw.create_study(direction="maximize")
    assert study.direction != StudyDirection.NOT_SET and int(study.direction) == 2


@pytest.mark.parametrize("direction", ["member", "not_set"])
def test_a_study_is_not_made_with_not_set(direction: object) -> None:
    if direction == "member":
        direction = StudyDirection.NOT_SET
    with pytest.raises(ValueError, match="minimize"):
        tw.create_study(direction=direction)  # type: ignore[arg-type]
