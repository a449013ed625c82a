"""`chainrule train mlp` and `cnn` on the digits: accuracy on defaults, NumPy = torch, persistence, guards."""

from __future__ import annotations

import json

import numpy as np
import pytest

from numeric import network
from numeric.datasets import digits
from numeric.models import cnn, mlp
from tests.conftest import run_cli


def _config(module, **kw):
    return {**module.OPTIONS, "backend": "numpy", "device": "cpu", "seed": 0, "plot": None, "save": None,
            "load": None, **kw}


def test_split_is_fixed_and_stratified():
    d = digits.load()
    assert d.X_train.shape == (1437, 64) and d.X_test.shape == (360, 64)
    assert 0.0 <= d.X_train.min() and d.X_train.max() <= 1.0
    counts = np.bincount(d.y_test, minlength=10)
    assert counts.min() >= 35 and counts.max() <= 37      # 20 % of each class (≈ 178–183 per digit)
    from sklearn.datasets import load_digits
    raw = load_digits()
    assert len(d.y_train) + len(d.y_test) == len(raw.target)
    assert np.array_equal(digits.load().y_test, d.y_test)


@pytest.mark.slow
@pytest.mark.parametrize("model", ["mlp", "cnn"])
def test_defaults_reach_97_percent(model):
    out = run_cli("train", model, "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["test_accuracy"] >= 0.97
    assert data["epochs"] == {"mlp": mlp, "cnn": cnn}[model].OPTIONS["epochs"]


@pytest.mark.parametrize("module, epochs", [(mlp, 1), (cnn, 1)])
def test_numpy_and_torch_train_the_same_network(module, epochs):
    """In float64, both backends start from the same weights and see the same batches: same curve."""
    pytest.importorskip("torch")
    a = module.train(_config(module, epochs=epochs, dtype="float64"))
    b = module.train(_config(module, epochs=epochs, dtype="float64", backend="torch"))
    for ha, hb in zip(a.history, b.history, strict=True):
        assert ha["loss"] == pytest.approx(hb["loss"], rel=1e-9)
        assert ha["test_accuracy"] == hb["test_accuracy"]


def test_same_seed_same_metrics_different_seed_different_weights():
    a = mlp.train(_config(mlp, epochs=2)).metrics
    b = mlp.train(_config(mlp, epochs=2)).metrics
    c = mlp.train(_config(mlp, epochs=2, seed=1)).metrics
    assert a == b and a["loss"] != c["loss"]


def test_per_digit_table_agrees_with_accuracy():
    report = mlp.train(_config(mlp, epochs=3))
    correct = sum(row[2] for row in report.table.rows)
    assert correct / 360 == pytest.approx(report.metrics["test_accuracy"], abs=1e-6)
    assert sum(row[1] for row in report.table.rows) == 360


def test_flop_count_by_hand():
    fwd, first = network.flops(mlp.layers(256), (64,))
    assert fwd == 2 * 64 * 256 + 2 * 256 * 10 and first == 2 * 64 * 256
    fwd, first = network.flops(cnn.layers(16, 64), (1, 8, 8))
    assert first == 2 * 8 * 8 * 16 * 1 * 9 and fwd == first + 2 * 256 * 64 + 2 * 64 * 10


def test_save_then_load_round_trip(tmp_path):
    path = tmp_path / "mlp.npz"
    first = mlp.train(_config(mlp, epochs=2, save=path))
    assert path.is_file()
    again = mlp.train(_config(mlp, epochs=1, load=path, seed=5))
    assert again.metrics["loaded_test_accuracy"] == pytest.approx(first.metrics["test_accuracy"], abs=1e-9)


@pytest.fixture(scope="module")
def small_mlp_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("params") / "mlp16.npz"
    mlp.train(_config(mlp, epochs=1, hidden=16, save=path))
    return path


@pytest.mark.parametrize("case", ["missing", "truncated", "mismatched", "other model", "not npz"])
def test_bad_parameter_files_exit_2(case, tmp_path, small_mlp_file):
    good, target = small_mlp_file, tmp_path / "bad.npz"
    if case == "missing":
        args = ["train", "mlp", "--load", str(tmp_path / "nowhere.npz")]
    elif case == "truncated":
        target.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
        args = ["train", "mlp", "--load", str(target)]
    elif case == "mismatched":
        args = ["train", "mlp", "--load", str(good)]                      # default hidden 256 ≠ 16
    elif case == "other model":
        args = ["train", "cnn", "--load", str(good)]
    else:
        target.write_text("hello")
        args = ["train", "mlp", "--load", str(target)]
    out = run_cli(*args, "--epochs", "1")
    assert out.returncode == 2, (out.stdout, out.stderr)
    assert "--load" in out.stderr and len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


@pytest.mark.parametrize("backend", ["numpy", "torch"])
def test_nan_loss_stops_with_the_step_named(backend):
    if backend == "torch":
        pytest.importorskip("torch")
    out = run_cli("train", "mlp", "--backend", backend, "--set", "optimizer=sgd", "--lr", "100",
                  "--set", "activation=leaky_relu", "--epochs", "2")
    assert out.returncode == 2
    line = out.stderr.strip()
    assert len(line.splitlines()) == 1 and "nan" in line and "epoch 1, step" in line


@pytest.mark.parametrize("args", [["xor", "--epochs", "50"], ["perceptron"], ["mlp", "--epochs", "1"],
                                  ["cnn", "--epochs", "1"]])
def test_plots_are_written(args, tmp_path):
    pytest.importorskip("matplotlib")
    png = tmp_path / "out.png"
    out = run_cli("train", *args, "--plot", str(png), "--format", "json")
    assert out.returncode == 0, out.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads(out.stdout)["plots"] == [str(png)]


def test_bad_plot_path_exit_2(tmp_path):
    out = run_cli("train", "xor", "--epochs", "5", "--plot", str(tmp_path / "out.jpg"))
    assert out.returncode == 2 and "--plot" in out.stderr
