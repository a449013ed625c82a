"""problems.answer_file and the exercise selection it feeds (problems.targets): TOML answer files
checked before and after parsing, keys named in every refusal, and sources of an exercise that
must agree."""

from __future__ import annotations

import shlex

import pytest

import problems
from derive.errors import UserError
from problems import answer_file as af
from problems import engine
from problems.registry import all_types
from problems.targets import agree, known_givens
from tests.conftest import run_cli


@pytest.mark.parametrize("text, line", [
    ("x = [[1]]\n", None),
    ("x = " + "[" * 11 + "]" * 11, 1),
    ("a = 1\nb = 2\nx = {a={b={c={d={e={f={g={h={i={j={k=1}}}}}}}}}}}\n", 3),
    ('x = "' + "[" * 50 + '"\n', None),                   # inside a basic string
    ('x = "\\"' + "[" * 50 + '"\n', None),                # after an escaped quote
    ("x = '" + "[" * 50 + "'\n", None),                   # inside a literal string
    ('x = """\n' + "{" * 50 + '\n"""\n', None),           # inside a multi-line string
    ("x = '''\n" + "{" * 50 + "\n'''\n", None),           # inside a multi-line literal string
    ("# " + "[" * 50 + "\nx = 1\n", None),                # inside a comment
    ('x = ""\ny = ' + "[" * 11 + "]" * 11, 2),            # an empty string is not a multi-line one
    ('x = """a""""\ny = ' + "[" * 11, 2),                 # quotes ending a multi-line string
    ("[[a]]\n[[a]]\nx = [[[1]]]\n", None),                # array-of-tables headers
])
def test_bracket_depth_is_counted_outside_strings_and_comments(text, line):
    assert af.deep_bracket_line(text, 10) == line


def test_the_scan_matches_what_tomllib_reads():
    """An independent oracle: the depth of the value tomllib builds equals the bracket depth."""
    import tomllib

    def depth(v):
        return 1 + max((depth(x) for x in (v.values() if isinstance(v, dict) else v)), default=0) \
            if isinstance(v, (dict, list)) else 0
    for n in range(1, 12):
        text = 'x = "[[[" # [[\ny = ' + "[" * n + "1" + "]" * n + "\n"
        assert depth(tomllib.loads(text)["y"]) == n
        assert af.deep_bracket_line(text, 10) == (2 if n > 10 else None)


def write(tmp_path, body: str | bytes):
    path = tmp_path / "a.toml"
    path.write_bytes(body.encode() if isinstance(body, str) else body)
    return path


@pytest.mark.parametrize("body, arg, message", [
    ('topic = "som"\nseed = -1\n', "a.toml: seed", "from 0 to 4294967295, got -1"),
    ('topic = "som"\nseed = 4294967296\n', "a.toml: seed", "got 4294967296"),
    ('topic = "som"\nseed = 3.0\n', "a.toml: seed", "got 3.0"),
    ('topic = "som"\nvariant = [1]\n', "a.toml: variant", "expected text, got a list"),
    ('topic = "som"\ndifficulty = "insane"\n', "a.toml: difficulty", "expected one of easy, exam, hard"),
    ('topic = "som"\ncolor = 1\n', "a.toml", "unknown key 'color'"),
    ('topic = "som"\nanswers = 1\n', "a.toml", "[answers] must be a table"),
    ('[answers]\nx = 1979-05-27\n', "a.toml: answers.x", "a date or time"),
    ('[answers]\nx = [1, nan]\n', "a.toml: answers.x", "not a finite number"),
    ('[givens]\nx = ' + "1" * 41 + "\n", "a.toml: givens.x", "more than 40 digits"),
    ('[givens]\nx = ' + "1" * 40 + "\n", None, None),
    ('[answers]\nx = "0,5"\n', "a.toml: answers.x", "ambiguous"),
    ('[answers]\n' + ".".join("abcdefghijk") + " = 1\n", "a.toml: answers.a.b.c.d.e.f.g.h.i.j", "nested more than 10 deep"),
    ("x = " + "[" * 5000 + "]" * 5000, "a.toml", "nested more than 10 deep (line 1)"),
    ("x = " + "9" * 5000, "a.toml", "too long to read"),
])
def test_each_refusal_names_the_file_and_key(tmp_path, body, arg, message):
    path = write(tmp_path, body)
    if arg is None:
        assert af.read_answer_file(path)
        return
    with pytest.raises(UserError) as caught:
        af.read_answer_file(path)
    assert caught.value.arg.replace(str(tmp_path) + "/", "") == arg
    assert message in str(caught.value)


def test_a_byte_order_mark_and_windows_line_ends_are_read(tmp_path):
    body = 'topic = "som"\r\nexercise = "som@3"\r\n[answers]\r\n"winner.1" = 1\r\n'
    assert af.read_answer_file(write(tmp_path, b"\xef\xbb\xbf" + body.encode()))["answers"] == {"winner.1": 1}


@pytest.mark.parametrize("text", ["0,5", "1, 2", "reject, retain", "[1], [2]"])
def test_text_with_a_comma_outside_brackets_is_ambiguous(text):
    with pytest.raises(UserError, match="ambiguous") as caught:
        af.refuse_bare_list(text, "--answer t")
    assert caught.value.arg == "--answer t"


@pytest.mark.parametrize("text", ["0.5", "[0, 5]", "(1, 2)", "[[1, 2], [3, 4]]", "exp(-0.5)", "max(1, 2)", "reject"])
def test_text_with_commas_only_inside_brackets_is_fine(text):
    af.refuse_bare_list(text, "--answer t")


def test_agree_takes_the_one_value_and_names_the_source_that_contradicts_it():
    assert agree("seed", [("a", None), ("b", 3), ("c", 3), ("d", None)]) == 3
    assert agree("seed", [("a", None), ("b", None)]) is None
    with pytest.raises(UserError, match="seed 4 conflicts with seed 3 of b") as caught:
        agree("seed", [("b", 3), ("c", 4)])
    assert caught.value.arg == "c"


@pytest.mark.parametrize("module", list(all_types().values()), ids=list(all_types()))
def test_every_given_an_exercise_holds_is_a_known_given(module):
    """No false refusals: givens generated with other seeds than known_givens uses are all known."""
    known = known_givens(module)
    for variant in (None, *getattr(module, "VARIANTS", {})):
        for seed in (1, 7, 23):
            for difficulty in ("easy", "exam", "hard"):
                givens = engine.make_exercise(module, seed, difficulty, variant).givens
                assert set(givens) <= known, (variant, seed, set(givens) - known)


def test_a_typo_in_a_given_is_refused_not_ignored():
    with pytest.raises(UserError, match="given 'learning_rate'") as caught:
        problems.check("som@3", givens={"learning_rate": 0.1})
    assert caught.value.arg == "--given"


def test_the_seed_difficulty_and_variant_of_an_id_must_agree_with_the_options():
    assert problems.practice("som@3:hard", seed=3, difficulty="hard").exercises[0].id == "som@3:hard"
    for kwargs in ({"seed": 4}, {"difficulty": "easy"}, {"variant": "full"}):
        with pytest.raises(UserError, match="conflicts with"):
            problems.practice("som@3:hard+epochs", **kwargs)
    assert problems.practice("som@3").exercises[0].id == "som@3"  # difficulty None: exam


def test_a_files_exercise_must_agree_with_its_topic_and_the_target(tmp_path):
    path = write(tmp_path, 'exercise = "ttest@3"\ntopic = "som"\n')
    with pytest.raises(UserError, match="does not match") as caught:
        problems.check(str(path))
    assert caught.value.arg.endswith("a.toml: topic")
    path = write(tmp_path, 'exercise = "som@3"\n')
    with pytest.raises(UserError, match="seed 3 conflicts with seed 4 of the exercise id som@4"):
        problems.check("som@4", toml=path)
    assert problems.check("som@3", toml=path).exercise_id == "som@3"


def test_the_written_answer_file_names_itself_in_the_command_that_checks_it(tmp_path):
    for name in ("mywork.toml", "my work.toml"):
        path = tmp_path / name
        assert run_cli("practice", "som@7", "--out", str(path)).returncode == 0
        line = next(l for l in path.read_text().splitlines() if l.startswith("#   chainrule check "))
        assert shlex.split(line[len("#   chainrule check "):]) == [name]     # one shell word: the file's own name
    assert "at least 1 decimal)" in (run_cli("practice", "ttest-paired@3", "--out", str(tmp_path / "tp.toml")) and
                                    (tmp_path / "tp.toml").read_text())
