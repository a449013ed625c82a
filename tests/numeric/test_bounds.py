"""Issue 12 item 5: every numeric ``train`` option has one bound, the same for ``--set`` and its named option."""

from __future__ import annotations

import pytest

from derive.errors import UserError
from numeric import bounds
from numeric.registry import all_models
from tests.conftest import run_cli

TEXT_KEYS = {"data", "text", "activation", "loss", "optimizer", "dtype", "centres", "solver", "convention", "reset"}


def _train_params() -> dict:
    import typer

    import cli
    command = typer.main.get_command(cli.app).commands["train"]
    return {p.name: p for p in command.params}


@pytest.mark.parametrize("key", sorted(bounds.NAMED))
def test_cli_typer_bounds_agree_with_the_table(key):
    param = _train_params()[key]
    b = bounds.NAMED[key]
    where = param if hasattr(param, "min") else param.type  # typer keeps the range on the option or on its click type
    assert (where.min, where.max) == (b.low, b.high)
    assert type(where.min) is b.kind or (b.kind is float and type(where.min) in (int, float))


def test_every_numeric_option_of_every_model_has_a_bound():
    for name, module in all_models().items():
        for key, default in module.OPTIONS.items():
            if key in TEXT_KEYS:
                continue
            assert bounds.bound(name, key) is not None, f"{name}: --set {key} has no bound"


@pytest.mark.parametrize("key", sorted(bounds.NAMED))
def test_set_is_refused_exactly_where_the_named_option_is(key):
    b = bounds.NAMED[key]
    over = b.high * 10 if b.kind is float else int(b.high) + 1
    model = "attention"  # has every named option
    named = run_cli("train", model, f"--{key.replace('_', '-')}", str(over))
    via_set = run_cli("train", model, "--set", f"{key}={over}")
    assert named.returncode == via_set.returncode == 2
    assert via_set.stderr.startswith(f"chainrule: error: --{key.replace('_', '-')}: expected")
    assert via_set.stderr.count("\n") == 1 and "Traceback" not in via_set.stderr


def test_issue_example_lr_1e10():
    out = run_cli("train", "xor", "--set", "lr=1e10")
    assert out.returncode == 2
    assert out.stderr == "chainrule: error: --lr: expected a number from 0 to 100, got 1e10\n"


@pytest.mark.parametrize(("model", "item", "arg"), [
    ("xor", "epochs=100000000000", "--epochs"),
    ("attention", "vocab=100000000", "--set vocab"),
    ("lstm", "train_size=1000000000", "--set train_size"),
    ("som", "rows=0", "--set rows"),
    ("gan", "noise=2.5", "--set noise"),
    ("lstm", "temperature=-1", "--set temperature"),
    ("lstm", "seq_len=[1,2]", "--set seq_len"),
    ("xor", "hidden=abc", "--hidden"),
    ("vae", "beta=1e400", "--set beta"),
])
def test_out_of_bounds_set_values_name_the_option(model, item, arg):
    out = run_cli("train", model, "--set", item)
    assert out.returncode == 2, out.stdout
    assert out.stderr.startswith(f"chainrule: error: {arg}: expected")


def test_check_converts_text_and_integral_floats():
    got = bounds.check("lstm", {"hidden": "8", "epochs": 3.0, "lr": "0.5", "noise": 0, "text": None})
    assert got == {"hidden": 8, "epochs": 3, "lr": 0.5, "noise": 0.0, "text": None}
    assert type(got["epochs"]) is int and type(got["noise"]) is float
    with pytest.raises(UserError) as err:
        bounds.check("xor", {"epochs": 10**400})  # a huge integer is compared, never converted to float
    assert err.value.arg == "--epochs"


def test_values_at_the_bounds_are_accepted():
    for key, b in {**bounds.NAMED, **bounds.SET_ONLY}.items():
        if not b.low_open:
            assert bounds.check("lstm", {key: b.low, "x": 1})[key] == b.low
        assert bounds.check("lstm", {key: b.high})[key] == b.high


@pytest.mark.parametrize("model", ["xor", "mlp", "perceptron", "rnn", "vae"])
def test_a_learning_rate_of_zero_is_refused_by_every_model(model):
    """η = 0 trains nothing: refused as --lr, as --set lr=0 and in the Python API alike (it was
    accepted by some models and refused by others)."""
    import numeric
    for args in (["--lr", "0"], ["--set", "lr=0"]):
        out = run_cli("train", model, *args, "--backend", "numpy")
        assert out.returncode == 2 and out.stderr.startswith("chainrule: error: --lr:") and "above 0" in out.stderr
    with pytest.raises(UserError) as err:
        numeric.train(model, lr=0.0)
    assert err.value.arg == "--lr"
    assert bounds.check(model, {"lr": 1e-12})["lr"] == 1e-12
