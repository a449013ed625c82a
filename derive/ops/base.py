"""The Op base class and the OPS registry (name → class).

An op is one primitive with its forward and its vector-Jacobian rule, both written once
against a backend ``B`` (``derive.backend``):

    forward(B, *xs) -> out
    vjp(B, g, out, *xs) -> (∂L/∂x_1, …, ∂L/∂x_k)     given g = ∂L/∂out (same shape as out)

``shape(*shapes)`` checks the input shapes and returns the output's. ``example(rng)`` returns a
random instance and input shapes (and per-input domains: ``real``, ``positive``, ``rows_sum_to_one``)
so that the tests prove every registered rule without being told about it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    import numpy as np

Shape = tuple[int, ...]
OPS: dict[str, type[Op]] = {}


def register(cls: type[Op]) -> type[Op]:
    """Class decorator: add an op to OPS under its ``name``."""
    if cls.name in OPS:
        raise ValueError(f"op {cls.name!r} registered twice")
    OPS[cls.name] = cls
    return cls


def rand_dim(rng: np.random.Generator, low: int = 1, high: int = 3) -> int:
    """A random matrix dimension in [low, high] (small: the proofs expand every element)."""
    return int(rng.integers(low, high + 1))


class Op(ABC):
    """Base of every primitive. Subclasses set ``name``, ``rule``, ``symbol`` and the methods."""

    name: ClassVar[str] = ""
    rule: ClassVar[str] = ""     # the rule's name, shown in steps ("matrix-product rule")
    symbol: ClassVar[str] = ""   # short label for graph drawings ("@", "+", "σ")
    arity: ClassVar[int | None] = 1

    def shape(self, *shapes: Shape) -> Shape:
        """Output shape for these input shapes (default: the first input's); ValueError if invalid."""
        return shapes[0]

    @abstractmethod
    def forward(self, B: Any, *xs: Any) -> Any:
        """The op's value from its inputs' values."""

    @abstractmethod
    def vjp(self, B: Any, g: Any, out: Any, *xs: Any) -> tuple[Any, ...]:
        """∂L/∂x_i for each input, given g = ∂L/∂out."""

    def label(self) -> str:
        """How the op is written in a graph drawing."""
        return self.symbol or self.name

    @classmethod
    def example(cls, rng: np.random.Generator) -> tuple[Op, list[Shape], list[str]]:
        """A random instance, its input shapes and input domains (for the registry-driven tests)."""
        n, m = rand_dim(rng), rand_dim(rng)
        return cls(), [(n, m)], ["real"]

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and vars(self) == vars(other)

    def __hash__(self) -> int:
        return hash((type(self).__name__, tuple(sorted((k, repr(v)) for k, v in vars(self).items()))))

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({params})"
