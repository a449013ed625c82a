"""Sequence models (rnn, lstm, gru, attention): gradients, backend agreement, CLI, targets."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from derive.errors import UserError
from numeric.datasets import reversal, sine
from numeric.datasets import text as text_data
from numeric.gradcheck import numerical_gradient
from tests.numeric.helpers import rel_error
from numeric.models import _recurrent, _sequence
from numeric.models import attention as attention_model
from numeric.registry import get
from tests.conftest import run_cli

SEQ_MODELS = ("rnn", "lstm", "gru", "attention")
SPECS = [("rnn", "pytorch", "after"), ("lstm", "pytorch", "after"), ("gru", "pytorch", "after"),
         ("gru", "course", "after"), ("gru", "course", "before"), ("gru", "pytorch", "before")]
TINY = {"epochs": 2, "train_size": 48, "test_size": 16, "seq_len": 8, "hidden": 6, "batch_size": 16}
TINY_ATT = {"epochs": 2, "train_size": 64, "test_size": 32, "length": 5, "vocab": 4, "hidden": 8, "batch_size": 32}


def _config(name, **over):
    module = get(name)
    return {**module.OPTIONS, "backend": "numpy", "device": "cpu", "seed": 0, "plot": None, "save": None,
            "load": None, **over}


# --- registry contract ------------------------------------------------------------------------

@pytest.mark.parametrize("name", SEQ_MODELS)
def test_registered_with_contract(name):
    module = get(name)
    assert module.NAME == name and module.SUMMARY
    assert callable(module.train)
    assert set(module.BENCH) <= set(module.OPTIONS)


# --- whole-network gradients --------------------------------------------------------------------

@pytest.mark.parametrize("cell, convention, reset", SPECS)
@pytest.mark.parametrize("vocab", [0, 5])
def test_recurrent_network_gradients_match_finite_differences(cell, convention, reset, vocab):
    spec = _recurrent.Spec(cell, 3 if vocab else 1, 4, vocab or 1, vocab, convention, reset)
    rng = np.random.default_rng(1)
    params = {k: v.astype(np.float64) for k, v in _recurrent.init(rng, spec).items()}
    x = rng.integers(0, vocab, (2, 5)) if vocab else rng.standard_normal((2, 5, 1))
    G = rng.standard_normal((10, spec.n_out))
    out, cache = _recurrent.forward(params, x, spec)
    grads = _recurrent.backward(G, cache, spec)
    assert set(grads) == set(params)

    def loss():
        return float(np.sum(_recurrent.forward(params, x, spec)[0] * G))
    for name in params:
        assert rel_error(grads[name], numerical_gradient(loss, params[name])) < 1e-6, name


def test_attention_network_gradients_match_finite_differences():
    rng = np.random.default_rng(2)
    cfg = {"hidden": 4, "vocab": 3, "heads": 2}
    params = {k: v.astype(np.float64) for k, v in attention_model.init(rng, cfg).items()}
    x = rng.integers(0, 3, (2, 4))
    G = rng.standard_normal((8, 3))
    _, cache = attention_model.forward(params, x, 2)
    grads = attention_model.backward(G, cache)

    def loss():
        return float(np.sum(attention_model.forward(params, x, 2)[0] * G))
    for name in params:
        num = numerical_gradient(loss, params[name])
        if name == "att.b_K":                                    # softmax ignores a shift shared by all keys
            assert np.max(np.abs(grads[name])) < 1e-12 and np.max(np.abs(num)) < 1e-8
            continue
        assert rel_error(grads[name], num) < 1e-6, name


# --- the torch networks are the same functions --------------------------------------------------

@pytest.mark.parametrize("cell, convention, reset", SPECS)
def test_torch_network_equals_numpy_network(cell, convention, reset):
    torch = pytest.importorskip("torch")
    from numeric.models import _recurrent_torch as rt
    spec = _recurrent.Spec(cell, 3, 5, 7, 7, convention, reset)
    rng = np.random.default_rng(3)
    params = _recurrent.init(rng, spec)
    params = {k: (v + 0.1 * rng.standard_normal(v.shape)).astype(np.float32) for k, v in params.items()}
    net = rt.Net(spec)
    rt.load(net, params)
    exported = rt.export(net)
    assert set(exported) == set(params)
    for k in params:
        np.testing.assert_array_equal(exported[k], params[k])
    x = rng.integers(0, 7, (3, 6))
    with torch.no_grad():
        out_t, _ = net(torch.from_numpy(x))
    out, _ = _recurrent.forward(params, x, spec)
    np.testing.assert_allclose(out, out_t.numpy(), atol=1e-5)


def test_torch_attention_network_equals_numpy_network():
    torch = pytest.importorskip("torch")
    from numeric.models import _attention_torch as at
    cfg = {"hidden": 8, "vocab": 5, "heads": 2}
    rng = np.random.default_rng(4)
    params = {k: (v + 0.1 * rng.standard_normal(v.shape)).astype(np.float32)
              for k, v in attention_model.init(rng, cfg).items()}
    net = at.Net(5, 8, 2, 6)
    at.load(net, params)
    for k, v in at.export(net).items():
        np.testing.assert_array_equal(v, params[k])
    x = rng.integers(0, 5, (3, 6))
    with torch.no_grad():
        out_t = net(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(attention_model.forward(params, x, 2)[0], out_t, atol=1e-5)


@pytest.mark.parametrize("name, over", [("lstm", TINY), ("gru", {**TINY, "reset": "before", "convention": "course"}),
                                        ("attention", TINY_ATT)])
def test_backends_follow_the_same_trajectory(name, over):
    pytest.importorskip("torch")
    module = get(name)
    a = module.train(_config(name, **over))
    b = module.train(_config(name, backend="torch", **over))
    for ha, hb in zip(a.history, b.history):
        for key in ha:
            assert ha[key] == pytest.approx(hb[key], rel=1e-3, abs=1e-6), key


# --- training runs: determinism and targets ------------------------------------------------------

def test_same_seed_same_report_other_seed_differs():
    module = get("rnn")
    a, b = module.train(_config("rnn", **TINY)), module.train(_config("rnn", **TINY))
    c = module.train(_config("rnn", **TINY, seed=1))
    assert a.metrics == b.metrics and a.history == b.history
    assert a.metrics["test_mse"] != c.metrics["test_mse"]


def test_the_summary_says_higher_when_the_model_loses_to_persistence():
    report = get("rnn").train(_config("rnn", **{**TINY, "epochs": 0}))  # untrained: far worse than x_{t+1} = x_t
    mse, base = report.metrics["test_mse"], report.metrics["persistence_mse"]
    assert mse > base
    assert f"({mse / base:.2f}× higher): does not beat" in report.summary


def test_progress_is_reported_per_epoch():
    calls = []
    get("gru").train(_config("gru", **TINY), lambda done, total, m: calls.append((done, total, sorted(m))))
    assert [c[0] for c in calls] == [1, 2] and calls[-1][1] == 2
    assert "loss" in calls[-1][2] and "test_mse" in calls[-1][2]


def test_steps_override_epochs():
    report = get("lstm").train(_config("lstm", **{**TINY, "steps": 5}))
    assert report.metrics["steps"] == 5 and report.metrics["epochs"] == 2      # 3 batches per epoch


def test_text_model_samples_reproducibly(tmp_path):
    path = tmp_path / "abc.txt"
    path.write_text("abcabcabcabc\n" * 20, encoding="utf-8")
    over = {"text": path, "steps": 60, "hidden": 16, "seq_len": 12, "sample_len": 40, "temperature": 0.5}
    a = get("gru").train(_config("gru", **over))
    b = get("gru").train(_config("gru", **over))
    sample = "\n".join(a.metrics["sample"])
    assert sample == "\n".join(b.metrics["sample"]) and len(sample) == 40
    assert a.metrics["vocab"] == 4 and a.metrics["accuracy"] > 0.9             # a, b, c, newline: easy to learn
    assert "abcabc" in sample
    assert sample in a.summary


@pytest.mark.parametrize("bad, arg", [({"data": "audio"}, "--data"), ({"hidden": 0}, "--hidden"),
                                      ({"lr": -1.0}, "--lr"), ({"hidden": "many"}, "--hidden"),
                                      ({"text": "/no/such/file.txt"}, "--text")])
def test_bad_settings_are_user_errors(bad, arg):
    with pytest.raises(UserError) as info:
        get("lstm").train(_config("lstm", **{**TINY, **bad}))
    assert arg in str(info.value.arg)


def test_attention_heads_must_divide_d_model():
    with pytest.raises(UserError):
        attention_model.train(_config("attention", **{**TINY_ATT, "heads": 3}))


def test_non_finite_loss_stops_with_a_message():
    class Broken:
        def step(self, x, y):
            return float("nan")
    with pytest.raises(UserError, match="epoch 1, step 1"):
        _sequence.fit(Broken(), [iter([(None, None)])], 1, None)


def test_settings_coerce_set_strings():
    got = _sequence.settings({"a": "3", "b": "0.5", "c": "yes", "d": "x"}, {"a": 1, "b": 1.0, "c": False, "d": "y"})
    assert got == {"a": 3, "b": 0.5, "c": True, "d": "x"}


# --- datasets ----------------------------------------------------------------------------------

def test_sine_targets_are_inputs_shifted_and_baseline_is_persistence():
    x, y = sine.sequences(np.random.default_rng(0), 4, 30, noise=0.0)
    np.testing.assert_array_equal(x[:, 1:], y[:, :-1])
    want = np.mean([(y[n, t, 0] - x[n, t, 0]) ** 2 for n in range(4) for t in range(30)])
    assert sine.persistence_mse(x, y) == pytest.approx(want)


def test_reversal_test_set_is_held_out():
    (x, y), (xt, yt) = reversal.split(np.random.default_rng(0), 200, 300, 3, 4)   # only 64 distinct sequences
    seen = {tuple(r) for r in x}
    assert len(xt) < 300 and all(tuple(r) not in seen for r in xt)
    np.testing.assert_array_equal(yt, xt[:, ::-1])


def test_zen_of_python_is_read_without_printing(capsys):
    text, source = text_data.read(None)
    assert text.startswith("The Zen of Python, by Tim Peters") and "Beautiful is better than ugly." in text
    assert capsys.readouterr().out == ""
    ids, vocab = text_data.encode(text)
    assert "".join(vocab[i] for i in ids) == text


# --- command line ------------------------------------------------------------------------------

def test_cli_json_sine_numpy_and_torch_agree():
    pytest.importorskip("torch")
    args = ("train", "lstm", "--epochs", "2", "--hidden", "8", "--set", "train_size=64", "--format", "json")
    a, b = run_cli(*args), run_cli(*args, "--backend", "torch")
    assert a.returncode == 0 and b.returncode == 0, a.stderr + b.stderr
    ja, jb = json.loads(a.stdout), json.loads(b.stdout)
    assert ja["backend"] == "numpy" and jb["backend"] == "torch"
    assert ja["test_mse"] == pytest.approx(jb["test_mse"], rel=1e-3)
    assert ja["persistence_mse"] == jb["persistence_mse"]


def test_cli_text_file_prints_a_sample(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text("hello world, hello chainrule. " * 10, encoding="utf-8")
    out = run_cli("train", "rnn", "--text", str(path), "--steps", "30", "--hidden", "16", "--format", "text")
    assert out.returncode == 0, out.stderr
    assert "Sample (240 characters" in out.stdout and "corpus.txt" in out.stdout


def test_cli_bad_text_path_is_one_line_exit_2(tmp_path):
    out = run_cli("train", "lstm", "--text", str(tmp_path / "missing.txt"))
    assert out.returncode == 2
    assert len(out.stderr.strip().splitlines()) == 1 and "--text" in out.stderr and "Traceback" not in out.stderr


def test_cli_gru_refuses_unknown_convention():
    out = run_cli("train", "gru", "--set", "convention=cho", "--epochs", "1")
    assert out.returncode == 2 and "convention" in out.stderr


def test_cli_save_then_load_in_the_other_backend(tmp_path):
    pytest.importorskip("torch")
    f = tmp_path / "gru.npz"
    common = ("--hidden", "8", "--set", "train_size=64", "--format", "json")
    saved = run_cli("train", "gru", "--epochs", "2", "--save", str(f), *common)
    assert saved.returncode == 0, saved.stderr
    loaded = run_cli("train", "gru", "--backend", "torch", "--load", str(f), "--set", "epochs=0", *common)
    assert loaded.returncode == 0, loaded.stderr
    assert json.loads(loaded.stdout)["test_mse"] == pytest.approx(json.loads(saved.stdout)["test_mse"], rel=1e-4)
    wrong = run_cli("train", "gru", "--load", str(f), "--hidden", "9", "--epochs", "1")
    assert wrong.returncode == 2 and "--load" in wrong.stderr


def test_cli_attention_plot(tmp_path):
    pytest.importorskip("matplotlib")
    png = tmp_path / "att.png"
    out = run_cli("train", "attention", "--epochs", "1", "--set", "train_size=256", "--plot", str(png), "--format", "json")
    assert out.returncode == 0, out.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads(out.stdout)["plots"] == [str(png)]


# --- targets on defaults (the table) ----------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("name", ["rnn", "lstm", "gru"])
def test_default_run_beats_persistence(name):
    m = get(name).train(_config(name)).metrics
    assert m["beats_persistence"] and m["test_mse"] < 0.7 * m["persistence_mse"]


@pytest.mark.slow
def test_default_attention_reverses_held_out_sequences():
    m = attention_model.train(_config("attention")).metrics
    assert m["test_accuracy"] >= 0.99 and m["test_sequences"] >= 1000


@pytest.mark.slow
def test_default_text_model_learns_the_zen():
    r = get("lstm").train(_config("lstm", data="text"))
    assert r.metrics["bits_per_char"] < 0.5 and math.isfinite(r.metrics["loss"])
    assert "better than" in "\n".join(r.metrics["sample"])


@pytest.mark.parametrize("work", [_sequence.SMALL_WORK // 4, _sequence.SMALL_WORK * 4])
def test_the_thread_count_follows_the_problem_size_not_the_load(monkeypatch, work):
    threadpoolctl = pytest.importorskip("threadpoolctl")

    def blas_threads() -> int:
        return min(info["num_threads"] for info in threadpoolctl.threadpool_info() if info["user_api"] == "blas")
    seen = []
    with threadpoolctl.threadpool_limits(2):  # the library's own count on a 2-core machine (the tests run on 1)
        before = blas_threads()
        for load in (0.0, 100.0):
            monkeypatch.setattr(_sequence.os, "getloadavg", lambda load=load: (load, load, load))
            with _sequence.threads_for(work, "numpy"):
                seen.append(blas_threads())
        assert blas_threads() == before
    assert seen[0] == seen[1] == (1 if work < _sequence.SMALL_WORK else before)


def test_lstm_and_gru_give_the_same_numbers_on_a_busy_and_a_quiet_machine(monkeypatch):
    """On CPUs where one and two BLAS threads round float32 products differently (AMD EPYC with
    OpenBLAS 0.3.31), a thread count chosen from the load would change the printed numbers."""
    threadpoolctl = pytest.importorskip("threadpoolctl")
    from numeric.layers import gru, lstm
    rng = np.random.default_rng(3)
    x = rng.standard_normal((32, 6, 5)).astype(np.float32)
    dh = rng.standard_normal((32, 6, 128)).astype(np.float32)
    results = []
    for load in (0.0, 100.0):
        monkeypatch.setattr(_sequence.os, "getloadavg", lambda load=load: (load, load, load))
        out = []
        for cell, gates in ((lstm, 4), (gru, 3)):
            with threadpoolctl.threadpool_limits(2), _sequence.threads_for(32 * 128 * gates * 128, "numpy"):
                params = cell.init(np.random.default_rng(0), 5, 128, dtype=np.float32)
                h, cache = cell.forward(params, x)
                out += [h.copy(), *cell.backward(dh, cache)[1].values()]
        results.append(out)
    for a, b in zip(*results):
        assert np.array_equal(a, b)
