"""The JSON contract of attention, batchnorm and conv, used the way another program would use it.

From the JSON alone (``inputs`` and each step's ``sympy`` string, parsed with
``derive.functions.PARSE_NAMESPACE``), every step is evaluated with SymPy's own element-by-element
expansion (``as_explicit``, not our lambdified program), then every result is compared with torch
autograd of the same model written directly in torch.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy as sp

from derive.functions import PARSE_NAMESPACE
from derive.notation import plain
from derive.printing import render
from derive.topics import attention, batchnorm, conv


@pytest.fixture
def torch():
    """torch, or the test is skipped."""
    return pytest.importorskip("torch")


def _parse(text):
    return sp.parse_expr(text, local_dict=dict(PARSE_NAMESPACE))


def evaluate_json(data):
    """Every step and result of a derivation's JSON, from its inputs, by SymPy substitution (steps in order;
    a step's id names the symbol it defines). Steps whose ``sympy`` is prose, or that need a value nobody
    defined, are skipped."""
    env = {k: sp.ImmutableMatrix(np.atleast_2d(v).tolist()) for k, v in data["inputs"].items()}

    def value(expr):
        names = {str(m.name): m for m in expr.atoms(sp.MatrixSymbol)}
        if set(names) - set(env) or any(not isinstance(s, sp.MatrixSymbol) and s not in
                                        {a for m in names.values() for a in m.free_symbols} for s in expr.free_symbols):
            return None
        out = expr.xreplace({m: env[n] for n, m in names.items()})
        out = sp.ImmutableMatrix(out.as_explicit()) if getattr(out, "is_Matrix", False) else out
        return out.evalf(20)  # numbers, not growing trees of exact irrationals times floats

    for step in data["steps"]:
        try:
            expr = _parse(step["sympy"])
        except (SyntaxError, TypeError, NameError, sp.SympifyError):
            continue  # prose (the saturation statistics)
        got = value(expr)
        if got is not None:
            env[step["id"]] = got
    results = {name: value(_parse(item["sympy"])) for name, item in data["results"].items()}
    return {k: np.array(sp.N(v), dtype=float) for k, v in {**env, **results}.items() if v is not None}


def _t(v, grad=False):
    import torch
    return torch.tensor(np.array(v, dtype=float), dtype=torch.float64, requires_grad=grad)


def _attention_oracle(v, opts):
    import torch
    import torch.nn.functional as F
    names = [k for k in v if k not in ("G", "T")]
    t = {k: _t(v[k], True) for k in names}
    mask = torch.triu(torch.ones(len(v["Q"]), len(v["K"]), dtype=torch.bool), 1) if opts.get("mask") else None
    if "heads" in opts:
        h, d = opts["heads"], len(v["Q"][0])
        w_in = torch.cat([torch.cat([t[f"W_{i}^{c}"] for i in range(1, h + 1)], dim=1).T for c in "QKV"])
        O, _ = F.multi_head_attention_forward(t["Q"], t["K"], t["V"], d, h, w_in, None, None, None, False, 0.0,
                                              t["W^O"].T, None, training=False, need_weights=False, attn_mask=mask)
    else:
        O = F.scaled_dot_product_attention(t["Q"], t["K"], t["V"], is_causal=mask is not None)
    return O, t


def _batchnorm_oracle(v, opts):
    import torch.nn.functional as F
    t = {k: _t(v[k], True) for k in ("x", "gamma", "beta")}
    y = F.batch_norm(t["x"], None, None, t["gamma"][0], t["beta"][0], training=True, eps=v["epsilon"][0][0])
    return y, t


def _conv_oracle(v, opts):
    import torch.nn.functional as F
    t = {k: _t(v[k], True) for k in ("X", "K", "b")}
    Y = F.conv2d(t["X"][None, None], t["K"][None, None], t["b"].reshape(1), stride=opts.get("stride", 1),
                 padding=opts.get("padding", 0))[0, 0]
    return Y, t


CASES = [(attention, {}, _attention_oracle), (attention, {"mask": "causal", "loss": "mse"}, _attention_oracle),
         (attention, {"heads": 2, "n": 2, "m": 2}, _attention_oracle),
         (batchnorm, {"m": 3, "features": 2}, _batchnorm_oracle),
         (conv, {"stride": 2, "padding": 1}, _conv_oracle), (conv, {"f": 2, "n": 4}, _conv_oracle)]


@pytest.mark.parametrize("module, opts, oracle", CASES, ids=["attention", "attention-causal-mse", "attention-2-heads",
                                                              "batchnorm", "conv-s2-p1", "conv-f2"])
def test_json_results_evaluate_independently_to_torch(module, opts, oracle, torch):
    data = json.loads(render(module.derive(opts, {}, 8), "json"))
    got = evaluate_json(data)
    for step in data["steps"]:  # what the JSON says equals what the JSON's formulas give
        if "value" in step and step["id"] in got and not step["id"].startswith("saturation"):
            expected = np.array(step["value"], dtype=float)
            assert got[step["id"]] == pytest.approx(expected, rel=1e-9, abs=1e-12), step["id"]
    out, leaves = oracle(data["inputs"], opts)
    v = data["inputs"]
    loss = (_t(v["G"]) * out).sum() if "G" in v else 0.5 * ((out - _t(v["T"])) ** 2).sum()
    loss.backward()
    assert got["L"].item() == pytest.approx(loss.item(), rel=1e-9)
    grads = {k: r for k, r in data["results"].items() if k.startswith("dL_d") and k[4:] in leaves}
    assert len(grads) == len(leaves)  # a result for every input and parameter
    for name in grads:
        ref = leaves[name[4:]].grad.numpy().reshape(got[name].shape)
        assert got[name] == pytest.approx(ref, rel=1e-8, abs=1e-10), name


@pytest.mark.parametrize("module, opts", [(attention, {"heads": 2, "mask": "causal"}), (batchnorm, {}),
                                          (conv, {"dims": 1, "stride": 2, "padding": 1})],
                         ids=["attention", "batchnorm", "conv"])
def test_json_contract_and_round_trip(module, opts):
    doc = module.derive(opts, {}, 1)
    data = json.loads(render(doc, "json"))
    assert {"topic", "options", "notes", "steps", "results", "symbols", "inputs"} <= set(data)
    assert data["topic"] == module.NAME and any(n.startswith(("Layout", "Convolution")) for n in data["notes"])
    for step in data["steps"]:
        assert {"id", "title", "latex", "text", "sympy"} <= set(step)
        assert "value" in step, step["id"]  # --seed evaluates every step
    matrix_steps = [s for s in data["steps"] if s["id"] in doc.symbols and doc.symbols[s["id"]].shape]
    assert matrix_steps and all(s.get("shape") == list(doc.symbols[s["id"]].shape) for s in matrix_steps)
    for name, item in data["results"].items():
        assert {"latex", "sympy", "value"} <= set(item), name
        assert _parse(item["sympy"]) == plain(doc.results[name].expr), name  # the string round-trips
    for name, info in data["symbols"].items():
        assert set(info) == {"meaning", "shape"} and info["meaning"], name
    used = {str(m.name) for item in data["results"].values() for m in _parse(item["sympy"]).atoms(sp.MatrixSymbol)}
    assert used <= set(data["symbols"])  # the legend names every symbol a result uses
