"""problems.command_line, the typer-free half of the CLI: KEY=VALUE items, option order, and the
error boundary's exit codes and one-line messages."""

from __future__ import annotations

import pytest

from derive.errors import UserError
from problems import command_line as cl


def test_pairs_strip_and_refuse_items_without_key_or_value():
    assert cl.pairs([" a = 1 ", "b=x=y"], "--set") == {"a": "1", "b": "x=y"}
    for bad in ("a", "=1", "a= "):
        with pytest.raises(UserError) as caught:
            cl.pairs([bad], "--answer")
        assert caught.value.arg == "--answer" and "expected KEY=VALUE" in str(caught.value)


def test_given_values_are_parsed_and_words_stay_text():
    assert cl.given_values(["lr=1/2", "x=[[1,2]]", "tail=two"]) == {"lr": 0.5, "x": [[1.0, 2.0]], "tail": "two"}


def test_options_keep_the_named_order_then_set_and_an_unset_flag_is_none():
    values = {"b": 2, "a": None, "flag": False, "other": 1}
    opts = cl.options(values, ("b", "a", "flag"), ["a=3", "z=4"])
    assert list(opts.items()) == [("b", 2), ("a", "3"), ("flag", None), ("z", "4")]


def test_solve_weights_and_variant_must_agree():
    assert cl.variant(None, True) == cl.variant("solve-weights", True) == "solve-weights"
    assert cl.variant("x", False) == "x"
    with pytest.raises(UserError, match="conflicts with --variant x"):
        cl.variant("x", True)


@pytest.mark.parametrize("error, line", [
    (UserError("bad\n  value", "--given  x"), "chainrule: error: --given x: bad value\n"),
    (UserError("no arg"), "chainrule: error: no arg\n"),
])
def test_the_boundary_prints_one_line_and_exits_2(error, line, capsys):
    def command() -> int:
        raise error
    with pytest.raises(SystemExit) as caught:
        cl.run(command)
    assert caught.value.code == 2 and capsys.readouterr().err == line


def test_the_boundary_exits_with_the_status_or_130_when_interrupted(capsys):
    with pytest.raises(SystemExit) as caught:
        cl.run(lambda: 1)
    assert caught.value.code == 1

    def interrupted() -> int:
        raise KeyboardInterrupt
    with pytest.raises(SystemExit) as caught:
        cl.run(interrupted)
    assert caught.value.code == 130 and capsys.readouterr().err == "chainrule: aborted\n"


def test_other_exceptions_are_bugs_and_keep_their_traceback():
    def broken() -> int:
        raise RuntimeError("a bug")
    with pytest.raises(RuntimeError):
        cl.run(broken)


def test_out_names_its_format_by_extension(tmp_path):
    with pytest.raises(UserError, match="expected a .md, .tex, .json or .txt file name") as caught:
        cl.write(object(), tmp_path / "sheet.pdf")
    assert caught.value.arg == "--out"
