"""Text-valued enums that also equal Optuna's numbers (its ``TrialState`` and ``StudyDirection`` are
IntEnums): the base of :class:`~tunewise.trial.TrialState` and :class:`~tunewise.study.StudyDirection`."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

__all__ = ["NumberedTextEnum"]

# Each subclass's numbers, by member value (kept outside the classes: a name set in an Enum's body
# would become a member).
_NUMBERS: dict[type, Mapping[str, int]] = {}


class NumberedTextEnum(str, enum.Enum):
    """A ``str`` enum (each member equals, hashes and is stored as its text) whose members also
    equal the number Optuna gives them, convert with ``int()`` and are found by it
    (``Cls(number)``). Scripts written for Optuna compare with, filter by and rebuild from those
    numbers. The hash stays the text's, so a *set* of numbers does not find a member. A subclass
    gives each member's number by its value: ``class Cls(NumberedTextEnum, numbers={value: number})``.

    >>> class Colour(NumberedTextEnum, numbers={"red": 1, "blue": 2}):
    ...     RED = "red"
    ...     BLUE = "blue"
    >>> Colour.BLUE == "blue", Colour.BLUE == 2, Colour.BLUE != 1, int(Colour.RED), Colour(2).name
    (True, True, True, 1, 'BLUE')
    >>> hash(Colour.RED) == hash("red"), Colour.RED == True  # a bool is no number here
    (True, False)
    """

    def __init_subclass__(cls, numbers: Mapping[str, int] | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if numbers is not None:
            _NUMBERS[cls] = dict(numbers)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, int) and not isinstance(other, bool):
            return _NUMBERS[type(self)][self.value] == other
        return str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = str.__hash__  # the text's (defining __eq__ would otherwise leave the members unhashable)

    def __int__(self) -> int:
        return _NUMBERS[type(self)][self.value]

    @classmethod
    def _missing_(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return next((member for member in cls if _NUMBERS[cls][member.value] == value), None)
        return None
