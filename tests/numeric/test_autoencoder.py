"""Autoencoder: gradients (finite differences, torch), the default run's target, CLI, persistence."""

from __future__ import annotations

import json

import numpy as np
import pytest

from derive.errors import UserError
from derive.printing import render
from numeric.gradcheck import numerical_gradient
from tests.numeric.helpers import rel_error
from numeric.models import _generative_digits, _mlp
from numeric.models import autoencoder as ae
from numeric.training import NonFiniteLoss
from tests.conftest import run_cli


def small(seed: int = 0) -> tuple:
    """A 6→5→3→5→6 autoencoder in float64 with non-zero biases, and a batch of 4 inputs in [0, 1]."""
    rng = np.random.default_rng(seed)
    net = ae.layers(hidden=5, code=3, d=6)
    params = _mlp.init(rng, net, np.float64)
    for k in params:
        if k.startswith("b_"):
            params[k] = 0.1 * rng.standard_normal(params[k].shape)
    return net, params, rng.random((4, 6))


@pytest.mark.parametrize("kind", ["bce", "mse"])
def test_backward_matches_finite_differences(kind):
    net, params, x = small()
    _, grads = ae.loss(params, x, net, kind)
    for name, p in params.items():
        num = numerical_gradient(lambda: ae.loss(params, x, net, kind)[0], p)
        assert rel_error(grads[name], num) < 1e-6, name


@pytest.mark.parametrize("kind", ["bce", "mse"])
def test_backward_matches_torch_autograd(kind):
    torch = pytest.importorskip("torch")
    net, params, x = small(1)
    _, grads = ae.loss(params, x, net, kind)
    p = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    X = torch.tensor(x)
    h = torch.relu(X @ p["W_e1"] + p["b_e1"])
    c = h @ p["W_code"] + p["b_code"]
    logits = torch.relu(c @ p["W_d1"] + p["b_d1"]) @ p["W_out"] + p["b_out"]
    if kind == "bce":
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, X, reduction="sum") / len(x)
    else:
        loss = 0.5 * ((torch.sigmoid(logits) - X) ** 2).sum() / len(x)
    loss.backward()
    assert abs(loss.item() - ae.loss(params, x, net, kind)[0]) < 1e-12
    for name, t in p.items():
        assert rel_error(grads[name], t.grad.numpy()) < 1e-10, name


def config(**kw) -> dict:
    return {**ae.OPTIONS, "seed": 0, **kw}


@pytest.mark.slow
def test_default_run_beats_the_mean_image_baseline():
    m = ae.train(config()).metrics
    x_tr, _, x_te, _ = _generative_digits.load()
    baseline = float(np.mean((x_te - x_tr.mean(axis=0)) ** 2))   # independent of the model
    assert m["baseline_error"] == pytest.approx(baseline, rel=1e-5)
    assert m["recon_error"] < baseline / 5
    assert m["beats_baseline"] is True and m["epochs"] == 60


def test_an_untrained_autoencoder_is_called_worse_than_the_mean_image():
    report = ae.train(config(epochs=0))
    x_tr, _, x_te, _ = _generative_digits.load()
    baseline = float(np.mean((x_te - x_tr.mean(axis=0)) ** 2))   # independent of the model
    error = report.metrics["recon_error"]
    assert error > baseline
    assert f"({error / baseline:.1f}× worse)" in report.summary and "better" not in report.summary


def test_same_seed_same_json_different_seed_differs():
    a, b, c = (render(ae.train(config(epochs=2, seed=s)), "json") for s in (3, 3, 4))
    assert a == b
    assert json.loads(a)["recon_error"] != json.loads(c)["recon_error"]


def test_save_then_load_evaluates_the_same_parameters(tmp_path):
    path = tmp_path / "ae.npz"
    trained = ae.train(config(epochs=2, save=str(path))).metrics
    loaded = ae.train(config(load=str(path))).metrics          # --load without --epochs: evaluate only
    assert loaded["epochs"] == 0
    assert loaded["recon_error"] == trained["recon_error"]


def test_load_with_other_shapes_is_a_user_error(tmp_path):
    path = tmp_path / "ae.npz"
    ae.train(config(epochs=1, hidden=8, save=str(path)))
    with pytest.raises(UserError, match="shape"):
        ae.train(config(load=str(path)))


def test_nan_in_the_loss_names_the_step(monkeypatch):
    x_tr, y_tr, x_te, y_te = _generative_digits.load()
    bad = x_tr.copy()
    bad[:] = np.nan
    monkeypatch.setattr(_generative_digits, "load", lambda: (bad, y_tr, x_te, y_te))
    with pytest.raises(NonFiniteLoss, match="epoch 1, step 1"):
        ae.train(config(epochs=1))


def test_bad_set_value_is_a_user_error():
    with pytest.raises(UserError, match="bce, mse") as exc:
        ae.train(config(loss="l1"))
    assert exc.value.arg == "--set loss"
    with pytest.raises(UserError, match="integer") as exc:
        ae.train(config(code="three"))
    assert exc.value.arg == "--set code"


def test_cli_torch_backend_with_plot(tmp_path):
    pytest.importorskip("torch")
    png = tmp_path / "ae.png"
    out = run_cli("train", "autoencoder", "--backend", "torch", "--epochs", "2", "--plot", str(png), "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["backend"] == "torch" and data["recon_error"] < data["baseline_error"]
    assert png.is_file() and png.stat().st_size > 1000


def test_cli_load_missing_or_mismatched_file_exits_2(tmp_path):
    out = run_cli("train", "autoencoder", "--load", str(tmp_path / "none.npz"))
    assert out.returncode == 2 and "--load" in out.stderr
    other = tmp_path / "som.npz"
    from numeric.models import som
    som.train({**som.OPTIONS, "steps": 1, "save": str(other)})
    out = run_cli("train", "autoencoder", "--load", str(other))
    assert out.returncode == 2 and "som" in out.stderr


def test_progress_callback_and_text_report():
    calls = []
    report = ae.train(config(epochs=3), lambda done, total, metrics: calls.append((done, total, set(metrics))))
    assert [(d, t) for d, t, _ in calls] == [(1, 3), (2, 3), (3, 3)] and all("loss" in m for *_, m in calls)
    text = render(report, "text")
    assert "Training history" in text and "Final metrics" in text and "recon_error" in text
    assert report.summary.startswith("autoencoder: held-out reconstruction MSE") and report.summary in text


def test_cuda_without_a_gpu_is_a_user_error():
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(UserError) as exc:
        ae.train(config(epochs=1, backend="torch", device="cuda"))
    assert exc.value.arg == "--device"
