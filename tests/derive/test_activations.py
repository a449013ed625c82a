"""Topic ``activations``: the derived derivatives against independent NumPy/torch code and the course's facts."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from derive.analytic import activations as A
from derive.errors import UserError
from derive.functions import lambdify
from derive.topics import activations as topic
from tests.conftest import run_cli

ALPHA = 0.3
# Independent NumPy definitions, written from the course's formulas (not from the derivation).
REFERENCE = {
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "tanh": np.tanh,
    "relu": lambda x: np.maximum(x, 0),
    "leaky_relu": lambda x: np.where(x > 0, x, 0.01 * x),
    "prelu": lambda x: np.where(x > 0, x, ALPHA * x),
    "elu": lambda x: np.where(x > 0, x, ALPHA * (np.exp(x) - 1)),
    "relu6": lambda x: np.clip(x, 0, 6),
    "swish": lambda x: x / (1 + np.exp(-x)),
    "hardswish": lambda x: x * np.clip(x + 3, 0, 6) / 6,
    "softplus": lambda x: np.log1p(np.exp(x)),
}


@pytest.fixture(scope="module")
def script():
    return A.script(list(A.ACTIVATIONS))


def _derived(script, key):
    return lambdify([A.x, A.alpha], script.results[key][0])


def _points():
    x = np.random.default_rng(1).uniform(-7, 8, size=200)
    for k in (-3, 0, 3, 6):
        x = x[np.abs(x - k) > 1e-3]
    return x


@pytest.mark.parametrize("key", sorted(REFERENCE))
def test_derivative_matches_central_differences_of_an_independent_definition(script, key):
    x, h = _points(), 1e-6
    ref = REFERENCE[key]
    fd = (ref(x + h) - ref(x - h)) / (2 * h)
    got = np.broadcast_to(_derived(script, f"d{key}_dx")(x, ALPHA), x.shape)
    assert np.max(np.abs(got - fd)) < 1e-6


@pytest.mark.parametrize("key, torch_name", [("sigmoid", "sigmoid"), ("tanh", "tanh"), ("relu", "relu"), ("relu6", "relu6"),
                                             ("swish", "silu"), ("hardswish", "hardswish"), ("softplus", "softplus"),
                                             ("elu", "elu"), ("leaky_relu", "leaky_relu")])
def test_derivative_matches_torch_autograd(script, key, torch_name):
    torch = pytest.importorskip("torch")
    fn = getattr(torch.nn.functional, torch_name)
    x = torch.tensor(_points(), dtype=torch.float64, requires_grad=True)
    kwargs = {"alpha": ALPHA} if key == "elu" else {"negative_slope": 0.01} if key == "leaky_relu" else {}
    fn(x, **kwargs).sum().backward()
    got = np.broadcast_to(_derived(script, f"d{key}_dx")(x.detach().numpy(), ALPHA), x.shape)
    assert np.max(np.abs(got - x.grad.numpy())) < 1e-12


def test_prelu_gradient_with_respect_to_alpha_is_x_on_the_negative_side(script):
    torch = pytest.importorskip("torch")
    x = torch.tensor(_points(), dtype=torch.float64)
    a = torch.tensor([ALPHA], dtype=torch.float64, requires_grad=True)
    torch.nn.functional.prelu(x, a).sum().backward()
    derived = _derived(script, "dprelu_dalpha")(x.numpy(), ALPHA)
    assert np.allclose(derived, np.where(x.numpy() > 0, 0, x.numpy()))
    assert math.isclose(float(np.sum(derived)), float(a.grad[0]), rel_tol=1e-12)


def test_conventions_at_the_kinks(script):
    assert _derived(script, "drelu_dx")(0.0, ALPHA) == 0.0  # ReLU'(0) = 0, stated
    assert _derived(script, "dleaky_relu_dx")(0.0, ALPHA) == pytest.approx(0.01)
    assert _derived(script, "drelu6_dx")(np.array([0.0, 6.0]), ALPHA).tolist() == [0.0, 0.0]


def test_sigmoid_saturation_numbers_match_the_closed_form():
    d = topic.derive({"which": "sigmoid"}, None, None)
    values = {s.id: s.value for s in d.steps}
    for at in (0, 2, 5, 10):
        assert values[f"sigmoid.at{at}"] == pytest.approx(math.exp(-at) / (1 + math.exp(-at)) ** 2, rel=1e-12)
    assert values["sigmoid.at0"] == 0.25
    for k in (2, 5, 10):
        assert values[f"sigmoid.layers{k}"] == pytest.approx(0.25 ** k)
    grid = np.linspace(-10, 10, 2001)
    sig = 1 / (1 + np.exp(-grid))
    assert np.max(sig * (1 - sig)) <= 0.25 + 1e-15


def test_softmax_jacobian_matches_torch(script):
    torch = pytest.importorskip("torch")
    z = np.array([0.3, -1.2, 2.0])
    jac = np.asarray(lambdify([A.Z], topic._jacobian_from(script.results["dsoftmax_i_dz_j"][0]))(z), dtype=float)
    ref = torch.autograd.functional.jacobian(lambda t: torch.softmax(t, 0), torch.tensor(z, dtype=torch.float64)).numpy()
    assert np.max(np.abs(jac - ref)) < 1e-14
    s = np.exp(z) / np.exp(z).sum()
    assert np.allclose(jac, np.diag(s) - np.outer(s, s))


def test_which_selects_one_activation_and_refuses_unknown_ones():
    d = topic.derive({"which": "swish"}, None, None)
    assert d.steps and all(s.id.startswith("swish.") for s in d.steps)
    assert set(d.results) == {"swish", "dswish_dx"}
    with pytest.raises(UserError):
        topic.derive({"which": "gelu"}, None, None)


def test_values_follow_the_given_input():
    d = topic.derive({"which": "sigmoid"}, {"x": 0.5}, 0)
    s = 1 / (1 + math.exp(-0.5))
    values = {st.id: st.value for st in d.steps}
    assert values["sigmoid.diff"] == pytest.approx(s * (1 - s), rel=1e-12)
    assert values["sigmoid.output"] == pytest.approx(s * (1 - s), rel=1e-12)
    assert d.inputs == {"x": 0.5}


def test_verify_passes():
    result = topic.verify({"which": None}, 0, "numpy", 2)
    assert result.passed
    assert {c.parameter for c in result.checks} >= {"prelu: ∂/∂alpha", "softmax: Jᵀg, ∂/∂z"}


def test_cli_json_and_errors():
    out = run_cli("derive", "activations", "--which", "swish", "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["results"]["dswish_dx"]["sympy"] == "x*(1 - sigmoid(x))*sigmoid(x) + sigmoid(x)"
    for args in (["--which", "gelu"], ["--given", "q=1"], ["--given", "x=abc"]):
        bad = run_cli("derive", "activations", *args)
        assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1, bad.stderr
