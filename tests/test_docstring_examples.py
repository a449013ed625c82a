"""Every docstring example in the code runs and prints what it shows (``doctest``).

The modules are found by reading the source for ``>>>``, so a module that gains an example is
tested from then on; each must run at least one example and fail none. (The README's test
command collects ``tests/`` only; this file is how the examples take part.)
"""

from __future__ import annotations

import doctest
import importlib

import pytest

from tests.conftest import ROOT

MODULES = sorted(".".join(p.relative_to(ROOT).with_suffix("").parts)
                 for folder in ("derive", "numeric", "problems") for p in (ROOT / folder).rglob("*.py")
                 if ">>> " in p.read_text(encoding="utf-8"))


def test_the_modules_with_examples_are_found():
    assert {"derive.parse", "problems.compare"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 1 and result.failed == 0, (name, result)
