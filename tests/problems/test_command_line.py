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
    with pytest.raises(UserError, match="expected a .md, .tex, .json, .txt, .html, .pdf or .apkg file name") as caught:
        cl.write(object(), tmp_path / "sheet.doc")
    assert caught.value.arg == "--out"


def test_a_key_given_twice_is_refused_naming_it():
    with pytest.raises(UserError, match="'t' given twice \\(1 and 2\\)") as caught:
        cl.pairs(["t=1", " t = 2"], "--answer")
    assert caught.value.arg == "--answer"


def test_answers_and_givens_with_a_comma_outside_brackets_are_refused_naming_the_key():
    assert cl.answer_values(["d2.1=[1, 2]", "t=0.5"]) == {"d2.1": "[1, 2]", "t": "0.5"}
    with pytest.raises(UserError, match="ambiguous") as caught:
        cl.answer_values(["t=0,5"])
    assert caught.value.arg == "--answer t"
    with pytest.raises(UserError, match="ambiguous") as caught:
        cl.given_values(["mu0=0,5"])
    assert caught.value.arg == "--given mu0"


def test_options_that_exclude_each_other_name_the_one_that_would_be_ignored():
    given = {"interactive": "--interactive", "count": "--count"}
    with pytest.raises(UserError, match="cannot be combined with --interactive") as caught:
        cl.exclusive(given, "interactive", ["out", "count"])
    assert caught.value.arg == "--count"
    cl.exclusive(given, "list_steps", ["count"])   # the option itself not given: nothing to refuse
    cl.exclusive(given, "interactive", ["out"])    # no conflicting option given


def test_the_out_file_is_checked_before_any_work(tmp_path):
    import os
    assert cl.sheet_file(tmp_path / "s.md") == tmp_path / "s.md"
    assert cl.sheet_file(tmp_path / "s.toml", 1) == tmp_path / "s.toml"
    os.mkfifo(tmp_path / "f.md")
    (tmp_path / "d.md").mkdir()
    for path, count, message in [(tmp_path / "s.doc", 1, "expected a .md, .tex, .json, .txt, .html, .pdf, .apkg, .xml or .toml"), (tmp_path / "s.toml", 2, "holds one exercise"),
                                 (tmp_path / "f.md", 1, "FIFO"), (tmp_path / "d.md", 1, "directory"),
                                 (tmp_path / "no" / "s.md", 1, "does not exist")]:
        with pytest.raises(UserError, match=message) as caught:
            cl.sheet_file(path, count)
        assert caught.value.arg == "--out"


def test_a_sheet_is_written_atomically_and_replaces_the_old_file(tmp_path):
    from problems import engine
    from problems.registry import get
    path = tmp_path / "s.md"
    path.write_text("old")
    sheet = engine.make_sheet([get("som")], 1, 1, "exam", None, show_solutions=True)
    assert "wrote 1 exercise(s) with an answer key" in cl.save_sheet(sheet, path)
    assert path.read_text(encoding="utf-8").startswith("#") and [p.name for p in tmp_path.iterdir()] == ["s.md"]


def test_the_interactive_prompt_reads_bounded_lines(monkeypatch, capsys):
    import io
    import sys
    monkeypatch.setattr(sys, "stdin", io.StringIO("0.87\r\n" + "1" * (cl.MAX_INPUT_LINE + 5)))
    assert cl.ask("t> ") == "0.87"
    with pytest.raises(UserError, match="longer than 100,000 characters") as caught:
        cl.ask("t> ")
    assert caught.value.arg == "--interactive"
    assert capsys.readouterr().out == "t> t> "
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    with pytest.raises(EOFError):
        cl.ask("t> ")
    monkeypatch.setattr(sys, "stdin", None)  # started with `<&-`
    with pytest.raises(EOFError):
        cl.ask("t> ")
