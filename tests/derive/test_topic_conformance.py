"""Every registered derivation topic, the same guarantees (a new topic is tested the moment it exists).

derive works symbolically and with numbers; every printer renders it; the JSON follows the
contract and its ``sympy`` strings parse back; the same seed gives byte-identical output; verify
passes (finite differences, and torch autograd where installed); graph topics draw DOT.
"""

from __future__ import annotations

import json
from functools import cache

import pytest
import sympy as sp

from derive.functions import PARSE_NAMESPACE
from derive.notation import plain
from derive.printing import render
from derive.registry import all_topics
from derive.steps import Derivation, Verification

TOPICS = list(all_topics().values())
IDS = [m.NAME for m in TOPICS]


def _options(module):
    return dict(getattr(module, "OPTIONS", {}))


@cache
def _symbolic(module):
    """The topic's symbolic derivation on its default options, derived once per session (it is
    needed at collection to find the graph topics, and again by two tests that only read it)."""
    return module.derive(_options(module), None, None)


@pytest.mark.parametrize("module", TOPICS, ids=IDS)
def test_contract(module):
    assert module.NAME and module.SUMMARY
    assert callable(module.derive) and callable(module.verify)


@pytest.mark.parametrize("module", TOPICS, ids=IDS)
def test_symbolic_derivation_renders_in_every_format(module):
    doc = _symbolic(module)
    assert isinstance(doc, Derivation) and doc.steps
    ids = [s.id for s in doc.steps]
    assert len(ids) == len(set(ids)), f"{module.NAME}: duplicate step ids"
    for fmt in ("text", "markdown"):
        out = render(doc, fmt)
        missing = [s.id for s in doc.steps if s.id not in out or s.title not in out]
        assert not missing, f"{module.NAME} {fmt}: steps not printed: {missing[:5]}"
    latex, steps = render(doc, "latex"), json.loads(render(doc, "json"))["steps"]
    missing = [s["id"] for s in steps if s["latex"] and s["latex"] not in latex]
    assert not missing, f"{module.NAME}: the LaTeX printer leaves out the formulas of {missing[:5]}"
    assert render(doc, "rich") is not None


@pytest.mark.parametrize("module", TOPICS, ids=IDS)
def test_json_contract_and_round_trip(module):
    doc = module.derive(_options(module), {}, 0)
    data = json.loads(render(doc, "json"))
    for key in ("topic", "options", "steps", "results", "symbols"):
        assert key in data, f"{module.NAME}: JSON lacks {key}"
    assert data["topic"] == module.NAME
    for step in data["steps"]:
        assert {"id", "title", "latex", "text", "sympy"} <= set(step)
    assert data["results"], f"{module.NAME}: no results"
    names = {n: sp.Symbol(n) for n in data["symbols"]}
    for name, result in data["results"].items():
        assert {"latex", "sympy"} <= set(result), name
        if result["sympy"]:
            parsed = sp.parse_expr(result["sympy"], local_dict={**names, **PARSE_NAMESPACE})  # our own output
            # the string parses back to the very expression (chain-rule display wrappers removed)
            assert str(parsed) == str(plain(doc.results[name].expr)), (module.NAME, name)
    assert any("value" in r for r in data["results"].values()), f"{module.NAME}: numbers given but no values"


@pytest.mark.parametrize("module", TOPICS, ids=IDS)
def test_same_seed_same_bytes(module):
    a = render(module.derive(_options(module), {}, 3), "json")
    b = render(module.derive(_options(module), {}, 3), "json")
    assert a == b


@pytest.mark.parametrize("module", TOPICS, ids=IDS)
def test_verify_passes(module):
    result = module.verify(_options(module), 1, "numpy", 1)
    assert isinstance(result, Verification)
    failed = [(c.parameter, c.method, c.max_rel_error) for c in result.checks if not c.passed]
    assert result.checks and not failed, failed
    assert any("central difference" in c.method for c in result.checks)
    if _has_torch():
        assert any("torch" in c.method for c in result.checks), f"{module.NAME}: torch installed but not used"


def _has_torch() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.parametrize("module", [m for m in TOPICS if _symbolic(m).graph is not None], ids=lambda m: m.NAME)
def test_graph_topics_draw_dot(module):
    dot = _symbolic(module).graph.to_dot()
    assert dot.lstrip().startswith("digraph") and dot.rstrip().endswith("}")


@pytest.mark.skipif(__import__("shutil").which("pdflatex") is None, reason="pdflatex not installed")
@pytest.mark.parametrize("module", TOPICS, ids=IDS)
def test_latex_output_compiles(module, tmp_path):
    import subprocess
    (tmp_path / "d.tex").write_text(render(module.derive(_options(module), {}, 1), "latex"), encoding="utf-8")
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "d.tex"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:]
