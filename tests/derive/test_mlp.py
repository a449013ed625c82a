"""The mlp topic: known answers, numerical checks, steps that follow the activation, JSON, CLI."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import sympy as sp

from derive.errors import UserError
from derive.functions import PARSE_NAMESPACE
from derive.notation import plain
from derive.printing import render
from derive.topics import mlp
from tests.conftest import run_cli

MAZUR = dict(w1=.15, w2=.2, w3=.25, w4=.3, w5=.4, w6=.45, w7=.5, w8=.55, b1=.35, b2=.6, i1=.05, i2=.1, t1=.01,
             t2=.99, eta=.5)


def _by_id(doc):
    return {s.id: s for s in doc.steps}


# --- known answers ----------------------------------------------------------------------------------

def test_mazur_preset_reproduces_the_published_answers():
    """Matt Mazur's worked example: E_total 0.298371109, w5⁺ 0.35891648, w1⁺ 0.149780716."""
    r = mlp.derive({"preset": "mazur"}).results
    assert r["E_total"].value == pytest.approx(0.298371109, abs=1e-9)
    assert r["w5_new"].value == pytest.approx(0.35891648, abs=1e-8)
    assert r["w1_new"].value == pytest.approx(0.149780716, abs=1e-9)
    assert r["w6_new"].value == pytest.approx(0.408666186, abs=1e-9)
    assert r["w8_new"].value == pytest.approx(0.56137012, abs=1e-8)


def _direct_numpy(v, activation="sigmoid", loss="mse"):
    """The 2-2-2 net written out by hand in NumPy, gradients by the textbook δ formulas."""
    f = {"sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0)}[activation]
    df = {"sigmoid": lambda a, z: a * (1 - a), "tanh": lambda a, z: 1 - a**2, "relu": lambda a, z: (z > 0) * 1.0}[activation]
    x, t = np.array([v["i1"], v["i2"]]), np.array([v["t1"], v["t2"]])
    W1, W2 = np.array([[v["w1"], v["w2"]], [v["w3"], v["w4"]]]), np.array([[v["w5"], v["w6"]], [v["w7"], v["w8"]]])
    zh = W1 @ x + v["b1"]; h = f(zh)
    zo = W2 @ h + v["b2"]
    if loss == "mse":
        o = f(zo); E = 0.5 * np.sum((t - o) ** 2); do = (o - t) * df(o, zo)
    else:
        o = 1 / (1 + np.exp(-zo)); E = -np.sum(t * np.log(o) + (1 - t) * np.log(1 - o)); do = o - t
    dh = (W2.T @ do) * df(h, zh)
    g = {"b1": dh.sum(), "b2": do.sum()}
    for j in range(2):
        for i in range(2):
            g[f"w{2 * j + i + 1}"] = dh[j] * x[i]
            g[f"w{4 + 2 * j + i + 1}"] = do[j] * h[i]
    return E, g


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("loss", ["mse", "cross-entropy"])
def test_every_gradient_and_update_matches_a_hand_written_numpy_net(activation, loss):
    given = dict(MAZUR, w2=-.2, w7=-.5, b1=.05)  # some negative weights so relu units switch
    r = mlp.derive({"activation": activation, "loss": loss}, given, 0).results
    E, g = _direct_numpy(given, activation, loss)
    assert r["E_total"].value == pytest.approx(E, rel=1e-10)
    for p, value in g.items():
        assert r[f"dE_d{p}"].value == pytest.approx(value, rel=1e-9, abs=1e-12), p
        assert r[f"{p}_new"].value == pytest.approx(given[p] - given["eta"] * value, rel=1e-9, abs=1e-12), p


def test_matrix_form_agrees_with_the_scalar_form():
    scalar = mlp.derive({"preset": "mazur"}).results
    matrix = mlp.derive({"preset": "mazur", "matrix": True}).results
    assert matrix["L"].value[0][0] == pytest.approx(scalar["E_total"].value, rel=1e-12)
    W1, W2 = np.array(matrix["W1_new"].value), np.array(matrix["W2_new"].value)
    assert W1 == pytest.approx(np.array([[scalar[f"w{k}_new"].value for k in (1, 2)], [scalar[f"w{k}_new"].value for k in (3, 4)]]))
    assert W2 == pytest.approx(np.array([[scalar[f"w{k}_new"].value for k in (5, 6)], [scalar[f"w{k}_new"].value for k in (7, 8)]]))
    assert np.sum(matrix["dL_db1"].value) == pytest.approx(scalar["dE_db1"].value, rel=1e-12)  # b1 is shared


# --- numerical verification -------------------------------------------------------------------------

SCALAR_CASES = [((2, 2, 2), "sigmoid", "mse"), ((2, 2, 2), "tanh", "cross-entropy"), ((3, 2, 1), "relu", "mse"),
                ((1, 3, 2), "tanh", "mse"), ((2, 3, 3), "sigmoid", "cross-entropy"), ((3, 1, 2), "relu", "cross-entropy")]
MATRIX_CASES = [((2, 3, 2), "sigmoid", "mse"), ((3, 4, 2, 2), "tanh", "cross-entropy"), ((2, 2, 3, 1), "relu", "mse")]


@pytest.mark.parametrize("sizes, activation, loss", SCALAR_CASES + MATRIX_CASES)
def test_derived_gradients_pass_fd_engine_and_torch(sizes, activation, loss):
    matrix = (sizes, activation, loss) in MATRIX_CASES
    opts = {"sizes": ",".join(map(str, sizes)), "activation": activation, "loss": loss, "matrix": matrix}
    v = mlp.verify(opts, seed=5, backend="numpy", points=2)
    assert v.passed, [(c.parameter, c.method, c.max_rel_error) for c in v.checks if not c.passed]
    params = {c.parameter for c in v.checks}
    methods = {c.method for c in v.checks}
    n_params = sum(a * b + b for a, b in zip(sizes, sizes[1:])) if matrix else None
    if matrix:
        assert params == {f"{k}{l}" for l in range(1, len(sizes)) for k in ("W", "b")} and n_params
    else:
        I, H, K = sizes
        assert params == {f"w{k}" for k in range(1, I * H + H * K + 1)} | {"b1", "b2"}
    assert any("central difference" in m for m in methods) and any("engine" in m for m in methods)


def test_deep_sigmoid_net_verifies_despite_vanishing_gradients():
    v = mlp.verify({"matrix": True, "layers": 8}, seed=2, backend="numpy", points=1)
    assert v.passed and len({c.parameter for c in v.checks}) == 16


def test_torch_autograd_is_one_of_the_checks():
    pytest.importorskip("torch")
    v = mlp.verify({"activation": "tanh"}, seed=1, backend="torch", points=2)
    torch_checks = [c for c in v.checks if "torch" in c.method]
    assert len(torch_checks) == 10 and all(c.passed for c in torch_checks)


def test_a_wrong_rule_would_be_caught():
    """Sabotage the displayed formula of one gradient: the checks must fail."""
    from derive.backprop import scalar_derivation
    from derive.models.mlp import textbook_net
    from derive.verification import Program, check_program
    g = textbook_net()
    d = scalar_derivation(g, ("w5", "w1"))
    steps = [s if s.id != "dE_dw5" else type(s)(**{**vars(s), "formula": s.formula * 2}) for s in d.steps]
    sample = lambda rng: {**{x.name: rng.uniform(-1, 1) for x in g.leaves}, "eta": 0.5}  # noqa: E731
    checks = check_program(Program(steps), "E_total", {"w5": "dE_total_dw5", "w6": "dE_total_dw6"}, sample, 2, 0,
                           use_torch=False, forward=Program(d.forward))
    assert [c.passed for c in checks] == [False, True]


# --- the steps come from differentiating the graph --------------------------------------------------

@pytest.mark.parametrize("activation, expected", [
    ("sigmoid", lambda o, n: o * (1 - o)), ("tanh", lambda o, n: 1 - o**2), ("relu", lambda o, n: sp.Heaviside(n, 0))])
def test_local_derivative_follows_the_activation(activation, expected):
    steps = _by_id(mlp.derive({"activation": activation}))
    o, n = sp.Symbol("out_o1"), sp.Symbol("net_o1")
    assert sp.simplify(plain(steps["dout_o1_dnet_o1"].formula) - expected(o, n)) == 0
    h, nh = sp.Symbol("out_h1"), sp.Symbol("net_h1")
    assert sp.simplify(plain(steps["dout_h1_dnet_h1"].formula) - expected(h, nh)) == 0


def test_steps_differ_between_activations_and_losses():
    texts = {}
    for act in ("sigmoid", "tanh", "relu"):
        for loss in ("mse", "cross-entropy"):
            texts[(act, loss)] = render(mlp.derive({"activation": act, "loss": loss}), "text")
    assert len(set(texts.values())) == 6
    ce = mlp.derive({"loss": "cross-entropy"}).results["dE_dw5"].expr
    o, t, h = sp.symbols("out_o1 t1 out_h1")
    assert sp.simplify(plain(ce) - (o - t) * h) == 0  # σ' cancels against the cross-entropy


def test_hidden_weight_chain_sums_over_every_output():
    steps = _by_id(mlp.derive({"outputs": 3}))
    text = render(mlp.derive({"outputs": 3}), "text")
    assert "∂E_total/∂out_h1 = ∂E_total/∂net_o1·∂net_o1/∂out_h1 + ∂E_total/∂net_o2·∂net_o2/∂out_h1 + ∂E_total/∂net_o3" in text
    assert [str(a) for a in steps["dE_total_dw5"].formula.args] == ["dE_total_dout_o1", "dout_o1_dnet_o1", "dnet_o1_dw5"]
    assert [str(a) for a in steps["dE_total_dw1"].formula.args] == ["dE_total_dout_h1", "dout_h1_dnet_h1", "dnet_h1_dw1"]


def test_weights_are_numbered_row_by_row_for_other_sizes():
    d = mlp.derive({"inputs": 3, "hidden": 2, "outputs": 2})
    steps = _by_id(d)
    assert {str(a) for a in plain(steps["net_h2"].formula).free_symbols} == {"w4", "w5", "w6", "i1", "i2", "i3", "b1"}
    assert {str(a) for a in plain(steps["net_o2"].formula).free_symbols} == {"w9", "w10", "out_h1", "out_h2", "b2"}
    assert "dE_total_dw7" in steps  # the first output weight's chain is shown


# --- values, seeds, errors -------------------------------------------------------------------------

def test_seed_draws_unspecified_values_and_says_which():
    d = mlp.derive({}, {"w1": 0.15}, 7)
    assert d.inputs["w1"] == 0.15
    note = d.notes[-1]
    assert "given: w1" in note and "drawn from seed 7" in note and "w2" in note
    other = mlp.derive({}, {"w1": 0.15, "w2": d.inputs["w2"]}, 7)
    assert other.inputs == d.inputs  # giving one value does not change the others


def test_every_step_carries_a_number_when_values_are_given():
    for opts in ({}, {"matrix": True}):
        d = mlp.derive(opts, None, 3)
        assert all(s.value is not None for s in d.steps)
        assert all(r.value is not None for r in d.results.values())


@pytest.mark.parametrize("options, given, arg", [
    ({"activation": "swishy"}, None, "--activation"), ({"loss": "hinge"}, None, "--loss"),
    ({"hidden": "0"}, None, "--hidden"), ({"layers": 3}, None, "--layers"), ({"preset": "nope"}, None, "--set preset"),
    ({"preset": "mazur", "hidden": 3}, None, "--set preset"), ({"sizes": "2,x,2"}, None, "--set sizes"),
    ({"matrix": "perhaps"}, None, "--matrix"), ({"hidden": 9}, None, "--hidden"), ({}, {"w9": 1.0}, "--given"), ({}, {"w1": [1, 2]}, "--given w1"),
    ({"matrix": True}, {"W1": [[1, 2, 3]]}, "--given W1"), ({}, {"w1": "abc"}, "--given w1"),
])
def test_bad_options_and_givens_are_user_errors(options, given, arg):
    with pytest.raises(UserError) as info:
        mlp.derive(options, given, 0 if given is not None else None)
    assert info.value.arg == arg


# --- JSON ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("options", [{}, {"loss": "cross-entropy", "activation": "tanh"}, {"matrix": True, "sizes": "2,3,2"}])
def test_json_shape_and_sympy_strings_round_trip(options):
    d = mlp.derive(options, {}, 2)
    data = json.loads(render(d, "json"))
    assert {"topic", "options", "steps", "results", "symbols", "inputs"} <= set(data)
    assert all({"id", "title", "latex", "text", "sympy"} <= set(s) for s in data["steps"])
    params = [x.name for x in d.graph.params]
    loss = "L" if options.get("matrix") else "E_total"
    grad = "dL_d" if options.get("matrix") else "dE_d"
    expected = {loss, *(f"{grad}{p}" for p in params), *(f"{p}_new" for p in params)}
    assert set(data["results"]) == expected
    local = {**PARSE_NAMESPACE, **{n: sp.Symbol(n) for n in data["symbols"]}}
    for name, item in data["results"].items():
        assert {"latex", "sympy", "value"} <= set(item)
        back = sp.parse_expr(item["sympy"], local_dict=local)
        assert back == plain(d.results[name].expr), name
    for name, info in data["symbols"].items():
        assert set(info) == {"meaning", "shape"} and info["meaning"]


def test_json_results_evaluate_independently_to_their_values():
    """Another program can evaluate a result from the JSON alone: forward steps, then the result."""
    data = json.loads(render(mlp.derive({}, {}, 4), "json"))
    env = {sp.Symbol(k): v for k, v in data["inputs"].items()}
    local = {**PARSE_NAMESPACE, **{n: sp.Symbol(n) for n in data["symbols"]}}
    for step in data["steps"][:9]:  # the forward pass
        env[sp.Symbol(step["id"])] = float(sp.parse_expr(step["sympy"], local_dict=local).xreplace(env))
    for name in ("E_total", "dE_dw1", "dE_dw5", "dE_db1", "w5_new"):
        value = float(sp.parse_expr(data["results"][name]["sympy"], local_dict=local).xreplace(env))
        assert math.isclose(value, data["results"][name]["value"], rel_tol=1e-9, abs_tol=1e-12), name


# --- the CLI (cli.main) -------------------------------------------------------------------------------

def test_cli_derive_and_verify():
    out = run_cli("derive", "mlp", "--format", "text")
    assert out.returncode == 0, out.stderr
    assert "∂E_total/∂w5 = ∂E_total/∂out_o1·∂out_o1/∂net_o1·∂net_o1/∂w5" in out.stdout
    assert "∂E_total/∂out_h1 = ∂E_total/∂net_o1·∂net_o1/∂out_h1 + ∂E_total/∂net_o2·∂net_o2/∂out_h1" in out.stdout
    ver = run_cli("verify", "mlp", "--matrix", "--layers", "3", "--format", "json")
    assert ver.returncode == 0, ver.stderr
    data = json.loads(ver.stdout)
    assert data["passed"] and {c["parameter"] for c in data["checks"]} >= {"W1", "W2", "W3", "b3"}


@pytest.mark.parametrize("args, arg", [(["--activation", "swishy"], "--activation"), (["--loss", "x"], "--loss"),
                                       (["--given", "w99=1"], "--given"), (["--set", "preset=foo"], "preset")])
def test_cli_bad_option_is_one_line_exit_2(args, arg):
    out = run_cli("derive", "mlp", *args)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and arg in lines[0] and "Traceback" not in out.stderr


def test_cli_same_seed_same_bytes():
    a = run_cli("derive", "mlp", "--seed", "11", "--format", "json")
    b = run_cli("derive", "mlp", "--seed", "11", "--format", "json")
    c = run_cli("derive", "mlp", "--seed", "12", "--format", "json")
    assert a.returncode == 0 and a.stdout == b.stdout and a.stdout != c.stdout


def test_cli_graph_dot():
    out = run_cli("derive", "mlp", "--graph", "dot")
    assert out.returncode == 0 and out.stdout.startswith('digraph "mlp"')
    assert '"out_h1" -> "net_o1";' in out.stdout and '"w5" -> "net_o1";' in out.stdout
