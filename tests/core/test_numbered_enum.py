"""TrialState and StudyDirection share one base for equality with Optuna's numbers (s28: the same
__eq__/__ne__/__int__/_missing_ was written twice); each class gives only its number table."""

from __future__ import annotations

import pickle

import pytest

from tunewise._numbered_enum import NumberedTextEnum
from tunewise.study import StudyDirection
from tunewise.trial import TrialState

OPTUNA_NUMBERS = [
    (TrialState.RUNNING, 0),
    (TrialState.COMPLETE, 1),
    (TrialState.PRUNED, 2),
    (TrialState.FAIL, 3),
    (TrialState.WAITING, 4),
    (StudyDirection.MINIMIZE, 1),
    (StudyDirection.MAXIMIZE, 2),
]


@pytest.mark.parametrize("cls", [TrialState, StudyDirection])
def test_both_enums_take_their_number_equality_from_the_shared_base(cls: type) -> None:
    assert issubclass(cls, NumberedTextEnum)
    own = {name for klass in cls.__mro__[: cls.__mro__.index(NumberedTextEnum)] for name in vars(klass)}
    assert not own & {"__eq__", "__ne__", "__hash__", "__int__", "_missing_"}  # one implementation


@pytest.mark.parametrize(("member", "number"), OPTUNA_NUMBERS)
def test_members_equal_their_text_and_optunas_number_and_hash_as_the_text(member, number) -> None:
    cls = type(member)
    assert member == member.value and member == number and not member != number
    assert member != number + 1 and member != True  # noqa: E712  (a bool is no number)
    assert int(member) == number and cls(number) is member and cls(member.value) is member
    assert hash(member) == hash(member.value) and {member.value: 1}[member] == 1
    assert pickle.loads(pickle.dumps(member)) is member
    with pytest.raises(ValueError):
        cls(9)


def test_a_new_subclass_gets_the_behaviour_from_its_number_table() -> None:
    class Colour(NumberedTextEnum, numbers={"red": 1, "blue": 2}):
        RED = "red"
        BLUE = "blue"

    assert Colour.BLUE == "blue" and Colour.BLUE == 2 and Colour.BLUE != 1 and int(Colour.RED) == 1
    assert Colour(2) is Colour.BLUE and Colour("red") is Colour.RED and hash(Colour.RED) == hash("red")
    assert Colour.RED != TrialState.COMPLETE  # another class's member with the same number
