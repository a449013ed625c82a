"""The API's results display themselves: ``to_json()`` is the CLI's JSON, ``_repr_markdown_``
its Markdown, ``_repr_html_`` a MathML fragment; bad input is a UserError (never SystemExit)
carrying the line the CLI prints; ``problems.save`` writes what ``--out`` writes."""

from __future__ import annotations

import json

import pytest

import derive
import numeric
import problems
from derive.errors import UserError
from tests.conftest import run_cli


def printed(*args: str) -> str:
    out = run_cli(*args)
    assert out.returncode in (0, 1), out.stderr
    return out.stdout


@pytest.mark.parametrize("call, args", [
    (lambda: derive.derive("lstm", steps=2), ["derive", "lstm", "--steps", "2"]),
    (lambda: derive.verify("mlp", hidden=1, points=2), ["verify", "mlp", "--hidden", "1", "--points", "2"]),
    (lambda: problems.practice("som", seed=7), ["practice", "som", "--seed", "7"]),
    (lambda: problems.check("som@7", answers={"winner.1": 3, "d2.1": "[1.22, 0.81, 0.46, 0.73]"}),
     ["check", "som@7", "--answer", "winner.1=3", "--answer", "d2.1=[1.22, 0.81, 0.46, 0.73]"]),
    (lambda: numeric.train("xor", epochs=50), ["train", "xor", "--epochs", "50"]),
], ids=["derive", "verify", "practice", "check", "train"])
def test_results_give_the_cli_json_and_markdown_and_a_mathml_fragment(call, args):
    doc = call()
    assert doc.to_json() == printed(*args, "--format", "json")
    json.loads(doc.to_json())
    assert doc._repr_markdown_() == printed(*args, "--format", "markdown")
    fragment = doc._repr_html_()
    assert fragment.startswith('<div class="chainrule">') and "<script" not in fragment


def test_a_derivation_displays_its_formulas_as_mathml():
    fragment = derive.derive("lstm", steps=2)._repr_html_()
    assert fragment.count("<math") > 60 and "<mfrac>" in fragment and "&#x02299;" in fragment  # ⊙


@pytest.mark.parametrize("call, args", [
    (lambda: derive.derive("nosuch"), ["derive", "nosuch"]),
    (lambda: derive.derive("lstm", steps=0, form="concat", nosuch=1), ["derive", "lstm", "--set", "nosuch=1"]),
    (lambda: problems.practice("som", count=501), ["practice", "som", "--set", "x"]),
    (lambda: problems.check("som@7", answers={"nosuch": 1}), ["check", "som@7", "--answer", "nosuch=1"]),
    (lambda: numeric.train("nosuch"), ["train", "nosuch"]),
], ids=["topic", "option", "count", "answer", "model"])
def test_bad_input_is_a_user_error_with_the_cli_line(call, args):
    with pytest.raises(UserError) as caught:
        call()
    exc = caught.value
    line = f"chainrule: error: {exc.arg}: {exc}" if exc.arg else f"chainrule: error: {exc}"
    cli = run_cli(*args)
    assert cli.returncode == 2
    if args[-1] != "x":  # the count bound is the option's own on the command line
        assert cli.stderr.strip() == line


@pytest.mark.parametrize("call", [
    lambda: problems.practice("som", seed=-1), lambda: problems.check("som", seed=2**32), lambda: numeric.train("xor", seed=-1),
    lambda: derive.derive("mlp", seed=1.5), lambda: derive.verify("mlp", points=0),
], ids=["practice-seed", "check-seed", "train-seed", "derive-seed", "verify-points"])
def test_the_cli_bounds_hold_for_python_callers_too(call):
    with pytest.raises(UserError, match="expected a whole number from"):
        call()


@pytest.mark.parametrize("suffix", [".md", ".tex", ".json", ".txt", ".html", ".pdf", ".apkg", ".xml"])
def test_save_writes_what_out_writes(tmp_path, suffix):
    sheet = problems.practice("som", seed=7, solutions=True)  # an --out sheet carries its key
    fmt = problems.save(sheet, tmp_path / f"api{suffix}")
    out = run_cli("practice", "som", "--seed", "7", "--out", str(tmp_path / f"cli{suffix}"))
    assert out.returncode == 0 and f"({fmt})" in out.stdout
    api, cli = (tmp_path / f"api{suffix}").read_bytes(), (tmp_path / f"cli{suffix}").read_bytes()
    if suffix == ".apkg":
        assert api[:2] == cli[:2] == b"PK"  # a zip each; the notes' times differ
    else:
        assert api == cli
