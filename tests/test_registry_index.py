"""The static registry indexes (``_index.py`` of derive/topics, numeric/models, problems/types)
are what discovery finds: every module, NAME, SUMMARY and SECTIONS, and nothing else.

``chainrule topics`` and every lookup by name read these indexes instead of importing every
module; when this fails, run ``python -m derive.discovery`` to rewrite them.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

from derive.discovery import PACKAGES, discover, index, index_source, load
from tests.conftest import ROOT


@pytest.mark.parametrize("package", PACKAGES)
def test_the_index_matches_the_modules(package):
    modules = discover(importlib.import_module(package))
    entries = index(package)
    assert list(entries) == list(modules)
    for name, module in modules.items():
        entry = entries[name]
        assert f"{package}.{entry.module}" == module.__name__
        assert entry.summary == module.SUMMARY
        assert entry.sections == tuple(getattr(module, "SECTIONS", ()))
    path = importlib.import_module(package).__path__[0] + "/_index.py"
    with open(path, encoding="utf-8") as fh:
        assert fh.read() == index_source(package), "run: python -m derive.discovery"


def test_load_imports_the_one_module_and_refuses_unknown_names():
    assert load("derive.topics", "mlp", "topic").NAME == "mlp"
    with pytest.raises(KeyError, match=r"unknown topic .mpl. — did you mean .mlp.\? \(known: .*mlp"):
        load("derive.topics", "mpl", "topic")


def _probe(code: str, timeout: float = 120) -> object:
    """Run ``code`` in a fresh interpreter at the repository root; the JSON it writes last on stderr."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    return json.loads(out.stderr.strip().splitlines()[-1])


def test_topics_imports_no_topic_model_or_type_module():
    probe = ("import sys, cli\n"
             "try:\n    cli.main(['topics', '--format', 'json'])\nexcept SystemExit:\n    pass\n"
             "mods = [m for m in sys.modules if m.split('.')[:2] in (['derive', 'topics'], ['numeric', 'models'], "
             "['problems', 'types']) and not m.endswith(('._index', '.topics', '.models', '.types'))]\n"
             "heavy = [m for m in ('sympy', 'numpy', 'torch', 'scipy') if m in sys.modules]\n"
             "import json\nsys.stderr.write(json.dumps([mods, heavy]))\n")
    mods, heavy = _probe(probe)
    assert mods == [] and heavy == []


@pytest.mark.parametrize("args", [["practice", "som", "--seed", "1"], ["check", "som@7", "--answer", "winner.1=3"],
                                  ["practice", "backprop", "--seed", "2", "--format", "json"]])
def test_practice_and_check_load_neither_sympy_nor_scipy(args):
    """What a student waits for after every answer: no SymPy or SciPy on these paths."""
    probe = ("import sys, json, cli\n"
             f"try:\n    cli.main({args!r})\nexcept SystemExit:\n    pass\n"
             "sys.stderr.write(json.dumps([m for m in ('sympy', 'scipy', 'torch') if m in sys.modules]))\n")
    assert _probe(probe) == []


def test_no_problem_type_loads_sympy_or_scipy_to_practice_or_check():
    """Every type (tests/problems/test_tail_probabilities.py checks the hypothesis tests' own t and
    normal tails against SciPy instead): one process runs practice and check of each, in turn, and
    names the first command after which SymPy, SciPy or torch is loaded."""
    probe = ("import sys, json, io, contextlib, cli\n"
             "from derive.discovery import index\n"
             "heavy, seen = ('sympy', 'scipy', 'torch', 'mpmath'), []\n"
             "names = list(index('problems.types'))\n"
             "for t in names:\n"
             "    for args in (['practice', t, '--seed', '1', '--key', '--no-record'],\n"
             "                 ['check', t + '@2', '--format', 'json', '--reveal', '--no-record']):\n"
             "        with contextlib.redirect_stdout(io.StringIO()):\n"
             "            try:\n                cli.main(args)\n            except SystemExit:\n                pass\n"
             "        loaded = [m for m in heavy if m in sys.modules]\n"
             "        if loaded:\n            seen.append([' '.join(args), loaded])\n            break\n"
             "    if seen:\n        break\n"
             "sys.stderr.write(json.dumps([len(names), seen]))\n")
    count, seen = _probe(probe, timeout=600)
    assert count == len(index("problems.types")) >= 41 and seen == []
