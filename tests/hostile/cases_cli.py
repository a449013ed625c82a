"""Hostile command lines for the command line itself (issue 12 items 1, 4, 10, 11): files that are
not regular files or are too large, TOML that nests without bound or holds values of the wrong
type, options that conflict, repeat or cannot be told apart, every command with bad option
values, and output streams that fail, close, cannot encode Unicode or are interrupted.

Cases whose outcome is known say so (``rc=(2,)`` for a refusal, ``stderr_match`` for the key the
message must name); the rest only have to end cleanly. Devices on stdout, encodings, signals and
pipes run in a process of their own (``subprocess=True``); everything else in the shared worker.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from tests.hostile.harness import Case

REFUSED = (2,)
OK = (0,)
WRITE_FAILED = (1,)

SOM3 = 'topic = "som"\nexercise = "som@3"\n'
VALID_TOML = SOM3 + '[answers]\n"winner.1" = 1\n'


# --- setup helpers: files made in the case's own folder ({tmp}) -------------------------------

def file(name: str, content: str | bytes) -> Callable[[Path], None]:
    """A setup writing ``content`` (text as UTF-8, or bytes) to ``name``."""
    def setup(tmp: Path) -> None:
        data = content.encode("utf-8") if isinstance(content, str) else content
        (tmp / name).write_bytes(data)
    return setup


def sparse(name: str, size: int) -> Callable[[Path], None]:
    """A setup making ``name`` a file of ``size`` zero bytes without writing them (sparse)."""
    def setup(tmp: Path) -> None:
        with open(tmp / name, "wb") as fh:
            fh.truncate(size)
    return setup


def fifo(name: str) -> Callable[[Path], None]:
    """A setup making ``name`` a FIFO (a read would wait for a writer for ever)."""
    return lambda tmp: os.mkfifo(tmp / name)


def folder(name: str) -> Callable[[Path], None]:
    """A setup making ``name`` a directory."""
    return lambda tmp: (tmp / name).mkdir(parents=True)


def link(name: str, target: str) -> Callable[[Path], None]:
    """A setup making ``name`` a symbolic link to ``target``."""
    return lambda tmp: (tmp / name).symlink_to(target)


def toml(body: str, name: str = "a.toml") -> Callable[[Path], None]:
    """A setup writing a TOML answer file."""
    return file(name, body)


def check_file(case_name: str, body: str, rc: tuple[int, ...] = REFUSED, names: str | None = None) -> Case:
    """``chainrule check a.toml`` on a file holding ``body``; ``names``: a regex the error must match."""
    return Case(case_name, ["check", "a.toml", "--format", "json"], setup=toml(body), rc=rc, stderr_match=names)


# --- 1. files the CLI reads: regular files only, a hard byte cap -------------------------------

READS = [  # (label, command line with {f} for the file, option named in the error)
    ("check-file", ["check", "som", "{f}"], "FILE"),
    ("check-target", ["check", "{f}"], "FILE"),
    ("train-text", ["train", "lstm", "--text", "{f}", "--steps", "1"], "--text"),
    ("train-load", ["train", "xor", "--load", "{f}", "--epochs", "1"], "--load"),
]
NOT_REGULAR = [  # (label, path or setup making "x.toml")
    ("dev-zero", "/dev/zero", None),
    ("dev-urandom", "/dev/urandom", None),
    ("dev-null", "/dev/null", None),
    ("fifo", "{tmp}/f.toml", fifo("f.toml")),
    ("directory", "{tmp}/d.toml", folder("d.toml")),
    ("symlink-to-dev-zero", "{tmp}/z.toml", link("z.toml", "/dev/zero")),
    ("symlink-to-fifo", "{tmp}/l.toml", lambda tmp: (fifo("f.toml")(tmp), link("l.toml", str(tmp / "f.toml"))(tmp))),
    ("dangling-symlink", "{tmp}/gone.toml", link("gone.toml", "/nonexistent/x.toml")),
    ("symlink-loop", "{tmp}/loop.toml", lambda tmp: (tmp / "loop.toml").symlink_to(tmp / "loop.toml")),
    ("missing", "{tmp}/missing.toml", None),
]

CASES: list[Case] = []
for reader, args, arg in READS:
    for label, path, setup in NOT_REGULAR:
        if reader == "check-target" and not path.endswith(".toml"):
            continue  # `check /dev/zero` names a topic, refused as such (see check-file-*)
        CASES.append(Case(f"read-{reader}-{label}", [a.replace("{f}", path) for a in args], setup=setup, rc=REFUSED,
                          stderr_match=arg))

CASES += [
    # sizes: read at most cap + 1 bytes whatever the file claims
    Case("toml-over-1mb-sparse", ["check", "som", "{tmp}/big.toml"], setup=sparse("big.toml", 50_000_000), rc=REFUSED,
         stderr_match="too large"),
    Case("toml-just-over-1mb", ["check", "som", "{tmp}/big.toml"], setup=file("big.toml", "#" * 1_000_001), rc=REFUSED,
         stderr_match="too large"),
    Case("toml-1mb-of-comments", ["check", "som@3", "{tmp}/c.toml"], setup=file("c.toml", ("#" * 99 + "\n") * 9_999), rc=OK),
    Case("text-over-2mb-sparse", ["train", "lstm", "--text", "{tmp}/t.txt"], setup=sparse("t.txt", 3_000_000), rc=REFUSED,
         stderr_match="--text.*too large"),
    Case("load-over-cap-sparse", ["train", "xor", "--load", "{tmp}/p.npz"], setup=sparse("p.npz", 100_000_001), rc=REFUSED,
         stderr_match="--load.*too large"),
    Case("load-garbage", ["train", "xor", "--load", "{tmp}/p.npz"], setup=file("p.npz", b"PK\x03\x04garbage" * 10), rc=REFUSED),
    Case("load-empty", ["train", "xor", "--load", "{tmp}/p.npz"], setup=file("p.npz", b""), rc=REFUSED),
    Case("text-empty", ["train", "lstm", "--text", "{tmp}/t.txt"], setup=file("t.txt", b""), rc=REFUSED),
    Case("text-not-utf8", ["train", "lstm", "--text", "{tmp}/t.txt"], setup=file("t.txt", b"\xff\xfe\x00a" * 100), rc=REFUSED,
         stderr_match="UTF-8"),
    Case("text-bom-only", ["train", "lstm", "--text", "{tmp}/t.txt"], setup=file("t.txt", b"\xef\xbb\xbf"), rc=REFUSED),
    # contents of a TOML file
    Case("toml-empty-file", ["check", "{tmp}/e.toml"], setup=file("e.toml", b""), rc=REFUSED, stderr_match="TARGET"),
    Case("toml-empty-with-topic", ["check", "som", "{tmp}/e.toml"], setup=file("e.toml", b""), rc=REFUSED, stderr_match="--given"),
    Case("toml-bom", ["check", "a.toml"], setup=file("a.toml", b"\xef\xbb\xbf" + VALID_TOML.encode()), rc=OK),
    Case("toml-crlf", ["check", "a.toml"], setup=file("a.toml", VALID_TOML.replace("\n", "\r\n")), rc=OK),
    Case("toml-lone-cr", ["check", "a.toml"], setup=file("a.toml", VALID_TOML.replace("\n", "\r")), rc=REFUSED),
    Case("toml-utf16", ["check", "a.toml"], setup=file("a.toml", VALID_TOML.encode("utf-16")), rc=REFUSED, stderr_match="UTF-8"),
    Case("toml-latin1", ["check", "a.toml"], setup=file("a.toml", (SOM3 + '# caf\xe9\n').encode("latin-1")), rc=REFUSED,
         stderr_match="UTF-8"),
    Case("toml-nul-bytes", ["check", "a.toml"], setup=file("a.toml", b"topic = \"som\"\x00\x00\n"), rc=REFUSED),
    Case("toml-binary-junk", ["check", "a.toml"], setup=file("a.toml", bytes(range(256)) * 40), rc=REFUSED),
    Case("toml-invalid", ["check", "a.toml"], setup=toml("topic = som\n[answers\n"), rc=REFUSED, stderr_match="a.toml"),
    Case("toml-duplicate-key", ["check", "a.toml"], setup=toml(SOM3 + 'seed = 3\nseed = 3\n'), rc=REFUSED),
    Case("toml-path-with-spaces", ["check", "{tmp}/my work/a b.toml"],
         setup=lambda tmp: (folder("my work")(tmp), file("my work/a b.toml", VALID_TOML)(tmp)), rc=OK),
    Case("toml-path-with-newline", ["check", "{tmp}/a\nb.toml"], setup=file("a\nb.toml", VALID_TOML), rc=OK),
    Case("toml-unicode-path", ["check", "{tmp}/übung σ.toml"], setup=file("übung σ.toml", VALID_TOML), rc=OK),
    Case("toml-path-too-long", ["check", "som", "{tmp}/" + "x" * 300 + ".toml"], rc=REFUSED),
    Case("toml-path-deep-missing", ["check", "som", "{tmp}/" + "d/" * 200 + "a.toml"], rc=REFUSED),
]

# --- 4. TOML nested without bound: refused before tomllib recurses ------------------------------

DEEP = 5_000
CASES += [
    check_file("toml-arrays-5000-deep", "x = " + "[" * DEEP + "]" * DEEP + "\n", names="nested"),
    check_file("toml-inline-tables-5000-deep", "x = " + "{a=" * DEEP + "1" + "}" * DEEP + "\n", names="nested"),
    check_file("toml-dotted-key-5000-parts", SOM3 + "[answers]\n" + ".".join(["a"] * DEEP) + " = 1\n", names="nested"),
    check_file("toml-dotted-top-key-5000", ".".join(["a"] * DEEP) + " = 1\n", names="nested"),
    check_file("toml-table-header-5000", "[" + ".".join(["a"] * DEEP) + "]\nx = 1\n", names="nested"),
    check_file("toml-givens-arrays-5000-deep", SOM3 + "[givens]\nx = " + "[" * DEEP + "]" * DEEP + "\n", names="nested"),
    check_file("toml-arrays-11-deep", SOM3 + "[answers]\nx = " + "[" * 11 + "]" * 11 + "\n", names="nested"),
    check_file("toml-arrays-unbalanced-5000", "x = " + "[" * DEEP + "\n", names="nested"),
    check_file("toml-brackets-inside-string-ok", SOM3 + '[answers]\n"winner.1" = "' + "[" * DEEP + '"\n', rc=(0, 2)),
    check_file("toml-brackets-inside-comment-ok", SOM3 + "# " + "[" * DEEP + "\n", rc=OK),
    check_file("toml-brackets-in-multiline-string", SOM3 + '[answers]\n"winner.1" = """\n' + "{" * DEEP + '\n"""\n', rc=(0, 2)),
    check_file("toml-brackets-in-literal-string", SOM3 + "[answers]\n\"winner.1\" = '" + "[" * DEEP + "'\n", rc=(0, 2)),
    check_file("toml-array-of-tables-many", SOM3 + "[[answers.x]]\na = 1\n" * 2_000, rc=REFUSED),
    check_file("toml-100k-numbers", SOM3 + "[answers]\n\"d2.1\" = [" + ", ".join(["1.5"] * 100_000) + "]\n", rc=(0, 2)),
    check_file("toml-integer-5000-digits", SOM3 + '[answers]\n"winner.1" = ' + "9" * DEEP + "\n", names="digits"),
]

# --- 11. TOML values and keys: each wrong one refused, naming the key ---------------------------

CASES += [
    check_file("toml-seed-negative", 'topic = "som"\nseed = -1\n', names="seed"),
    check_file("toml-seed-2-64", 'topic = "som"\nseed = 18446744073709551616\n', names="seed"),
    check_file("toml-seed-2-32", 'topic = "som"\nseed = 4294967296\n', names="seed"),
    check_file("toml-seed-max-ok", 'topic = "som"\nseed = 4294967295\n', rc=OK),
    check_file("toml-seed-400-digits", 'topic = "som"\nseed = ' + "9" * 400 + "\n", names="seed"),
    check_file("toml-seed-text", 'topic = "som"\nseed = "3"\n', names="seed"),
    check_file("toml-seed-float", 'topic = "som"\nseed = 3.0\n', names="seed"),
    check_file("toml-seed-bool", 'topic = "som"\nseed = true\n', names="seed"),
    check_file("toml-seed-inf", 'topic = "som"\nseed = inf\n', names="seed"),
    check_file("toml-seed-datetime", 'topic = "som"\nseed = 1979-05-27\n', names="seed"),
    check_file("toml-variant-list", 'topic = "som"\nseed = 3\nvariant = [1]\n', names="variant"),
    check_file("toml-variant-empty", 'topic = "som"\nseed = 3\nvariant = ""\n', names="variant"),
    check_file("toml-variant-unknown", 'topic = "som"\nseed = 3\nvariant = "nosuch"\n', names="variant"),
    check_file("toml-difficulty-number", 'topic = "som"\nseed = 3\ndifficulty = 5\n', names="difficulty"),
    check_file("toml-difficulty-unknown", 'topic = "som"\nseed = 3\ndifficulty = "insane"\n', names="difficulty"),
    check_file("toml-topic-number", "topic = 5\nseed = 3\n", names="topic"),
    check_file("toml-topic-empty", 'topic = ""\nseed = 3\n', names="topic"),
    check_file("toml-topic-unknown", 'topic = "nosuch"\nseed = 3\n', names="topic"),
    check_file("toml-topic-table", "[topic]\nx = 1\n", names="topic"),
    check_file("toml-exercise-number", "exercise = 5\n", names="exercise"),
    check_file("toml-exercise-bad-id", 'exercise = "som@x"\n', names="exercise"),
    check_file("toml-exercise-huge-seed", 'exercise = "som@99999999999"\n', names="exercise"),
    check_file("toml-exercise-overrides-topic", 'exercise = "ttest@3"\ntopic = "som"\n', names="topic"),
    check_file("toml-exercise-vs-seed", 'exercise = "som@3"\nseed = 4\n', names="seed"),
    check_file("toml-exercise-vs-difficulty", 'exercise = "som@3:hard"\ndifficulty = "easy"\n', names="difficulty"),
    check_file("toml-exercise-vs-variant", 'exercise = "som@3+epochs"\nvariant = "full"\n', names="variant"),
    check_file("toml-unknown-top-key", SOM3 + 'colour = "red"\n', names="unknown key 'colour'"),
    check_file("toml-typo-top-key", 'topci = "som"\nseed = 3\n', names="unknown key 'topci'"),
    check_file("toml-givens-not-table", SOM3.replace('exercise = "som@3"\n', "") + "givens = 5\n", names="givens"),
    check_file("toml-answers-list", SOM3 + "answers = [1]\n", names="answers"),
    check_file("toml-answer-datetime", SOM3 + '[answers]\n"winner.1" = 1979-05-27T07:32:00Z\n', names="winner.1"),
    check_file("toml-answer-local-time", SOM3 + '[answers]\n"winner.1" = 07:32:00\n', names="winner.1"),
    check_file("toml-answer-list-of-strings", SOM3 + '[answers]\n"d2.1" = ["a", "b"]\n', names="d2.1"),
    check_file("toml-answer-list-of-strings-int", SOM3 + '[answers]\n"winner.1" = ["a", "b"]\n', names="winner.1"),
    check_file("toml-answer-mixed-list", SOM3 + '[answers]\n"d2.1" = [1, "b", 2.5, true]\n', names="d2.1"),
    check_file("toml-answer-400-digits", SOM3 + '[answers]\n"winner.1" = ' + "9" * 400 + "\n", names="winner.1"),
    check_file("toml-answer-inf", SOM3 + '[answers]\n"d2.1" = inf\n', names="d2.1"),
    check_file("toml-answer-nan", SOM3 + '[answers]\n"d2.1" = nan\n', names="d2.1"),
    check_file("toml-answer-neg-inf-in-list", SOM3 + '[answers]\n"d2.1" = [1.0, -inf]\n', names="d2.1"),
    check_file("toml-answer-decimal-comma", SOM3 + '[answers]\n"winner.1" = "0,5"\n', names="winner.1"),
    check_file("toml-answer-inline-table", SOM3 + '[answers]\n"d2.1" = {a = 1}\n', names="d2.1"),
    check_file("toml-answer-bool", SOM3 + '[answers]\n"winner.1" = true\n', names="winner.1"),
    check_file("toml-answer-empty-string-ok", SOM3 + '[answers]\n"winner.1" = ""\n', rc=OK),
    check_file("toml-answer-unknown-step", SOM3 + '[answers]\n"nosuch" = 1\n', names="nosuch"),
    check_file("toml-answer-huge-float", SOM3 + '[answers]\n"d2.1" = 1e308\n', rc=(0, 2)),
    check_file("toml-given-unknown", SOM3 + "[givens]\nlearning_rate = 0.1\n", names="learning_rate"),
    check_file("toml-given-datetime", 'topic = "som"\n[givens]\nlr = 1979-05-27\n', names="lr"),
    check_file("toml-given-400-digits", 'topic = "ttest"\n[givens]\ndata = [1, 2, 3]\nmu0 = ' + "9" * 400 + "\n", names="mu0"),
    check_file("toml-given-nan", 'topic = "ttest"\n[givens]\ndata = [1, 2, 3]\nmu0 = nan\n', names="mu0"),
    check_file("toml-given-decimal-comma", 'topic = "ttest"\n[givens]\ndata = "1,5"\nmu0 = 1\n', names="data"),
    check_file("toml-unicode-key", SOM3 + '[answers]\n"σ" = 1\n', names="σ|sigma"),
    check_file("toml-empty-key", SOM3 + '[answers]\n"" = 1\n', rc=REFUSED),
]

# --- 11. options: unknown, repeated, conflicting or ambiguous → exit 2 naming the option --------

CASES += [
    Case("given-unknown-key", ["check", "som@3", "--given", "nosuch=1"], rc=REFUSED, stderr_match="nosuch"),
    Case("given-typo-without-seed", ["check", "ttest", "--given", "data=[1,2,3]", "--given", "mu0=2", "--given", "tial=two"],
         rc=REFUSED, stderr_match="tial"),
    Case("given-twice", ["check", "ttest", "--given", "data=[1,2,3]", "--given", "mu0=2", "--given", "mu0=3"],
         rc=REFUSED, stderr_match="mu0"),
    Case("answer-twice", ["check", "ttest@3", "--answer", "t=1", "--answer", "t=2"], rc=REFUSED, stderr_match="'t' given twice"),
    Case("answer-twice-spaces", ["check", "ttest@3", "--answer", "t=1", "--answer", " t = 2"], rc=REFUSED, stderr_match="'t'"),
    Case("set-twice", ["verify", "mlp", "--set", "hidden=2", "--set", "hidden=3"], rc=REFUSED, stderr_match="hidden"),
    Case("answer-decimal-comma", ["check", "ttest@3", "--answer", "t=0,5"], rc=REFUSED, stderr_match="--answer t"),
    Case("answer-bare-list", ["check", "som@3", "--answer", "d2.1=1, 2, 3, 4"], rc=REFUSED, stderr_match="d2.1"),
    Case("answer-bracketed-list-ok", ["check", "som@3", "--answer", "d2.1=[1, 2, 3, 4]"], rc=OK),
    Case("given-decimal-comma", ["check", "ttest", "--given", "data=[1,2,3]", "--given", "mu0=0,5"], rc=REFUSED,
         stderr_match="--given mu0"),
    Case("derive-given-decimal-comma", ["derive", "mlp", "--given", "w1=0,5"], rc=REFUSED, stderr_match="w1"),
    Case("count-with-interactive", ["practice", "som", "--count", "3", "--interactive"], rc=REFUSED, stderr_match="--count"),
    Case("out-with-interactive", ["practice", "som", "--out", "x.md", "--interactive"], rc=REFUSED, stderr_match="--out"),
    Case("topics-with-interactive", ["practice", "som", "--topics", "ttest", "--interactive"], rc=REFUSED,
         stderr_match="--topics"),
    Case("list-steps-with-count", ["practice", "som", "--list-steps", "--count", "5"], rc=REFUSED, stderr_match="--count"),
    Case("list-steps-with-out", ["practice", "som", "--list-steps", "--out", "x.md"], rc=REFUSED, stderr_match="--out"),
    Case("id-seed-vs-option-check", ["check", "som@3", "--seed", "4"], rc=REFUSED, stderr_match="--seed"),
    Case("id-seed-vs-option-practice", ["practice", "som@3", "--seed", "4"], rc=REFUSED, stderr_match="--seed"),
    Case("id-seed-same-as-option-ok", ["practice", "som@3", "--seed", "3"], rc=OK),
    Case("id-difficulty-vs-option", ["practice", "som@3:hard", "--difficulty", "easy"], rc=REFUSED, stderr_match="--difficulty"),
    Case("id-variant-vs-option", ["practice", "som@3+epochs", "--variant", "full"], rc=REFUSED, stderr_match="--variant"),
    Case("file-vs-seed-option", ["check", "a.toml", "--seed", "4"], setup=toml(VALID_TOML), rc=REFUSED, stderr_match="--seed"),
    Case("file-vs-target", ["check", "ttest", "a.toml"], setup=toml(VALID_TOML), rc=REFUSED, stderr_match="exercise"),
    Case("file-vs-target-id", ["check", "som@4", "a.toml"], setup=toml(VALID_TOML), rc=REFUSED, stderr_match="seed"),
    Case("f-without-diff", ["check", "som@3", "--f", "x**2"], rc=REFUSED, stderr_match="--f"),
    Case("wrt-without-diff", ["check", "som@3", "--wrt", "x"], rc=REFUSED, stderr_match="--wrt"),
    Case("diff-with-seed", ["check", "diff", "--f", "x**2", "--wrt", "x", "--answer", "2*x", "--seed", "3"], rc=REFUSED,
         stderr_match="--seed"),
    Case("diff-with-given", ["check", "diff", "--f", "x**2", "--wrt", "x", "--answer", "2*x", "--given", "x=1"], rc=REFUSED,
         stderr_match="--given"),
    Case("diff-with-file", ["check", "diff", "a.toml", "--f", "x**2", "--wrt", "x", "--answer", "2*x"], rc=REFUSED,
         stderr_match="FILE"),
    Case("diff-with-interactive", ["check", "diff", "--f", "x**2", "--wrt", "x", "--answer", "2*x", "-i"], rc=REFUSED,
         stderr_match="--interactive"),
    Case("graph-with-format", ["derive", "mlp", "--graph", "dot", "--format", "json"], rc=REFUSED, stderr_match="--format"),
    Case("solve-weights-vs-variant", ["practice", "rbf-xor", "--solve-weights", "--variant", "x"], rc=REFUSED),
    Case("out-toml-with-count", ["practice", "som", "--count", "2", "--out", "x.toml"], rc=REFUSED, stderr_match="--out"),
]

# --- every command × bad option values: empty, negative, huge, not a number, unicode -----------

HUGE = "9" * 400
for command, option in [("derive mlp", "--seed"), ("verify mlp", "--seed"), ("train xor", "--seed"), ("practice som", "--seed"),
                        ("check som", "--seed"), ("verify mlp", "--points"), ("practice som", "--count"),
                        ("derive mlp", "--hidden"), ("derive mlp --matrix", "--layers"), ("derive rnn", "--steps"),
                        ("train xor", "--epochs"), ("train xor", "--lr"), ("train xor", "--batch-size"),
                        ("train xor", "--hidden"), ("train lstm", "--steps")]:
    words = command.split()
    for label, value in [("empty", ""), ("negative", "-1"), ("huge", HUGE), ("word", "ten"), ("nan", "nan"), ("inf", "inf")]:
        if label in ("nan", "inf") and option != "--lr":
            continue
        CASES.append(Case(f"opt-{words[0]}-{words[1]}-{option.strip('-')}-{label}", [*words, option, value], rc=REFUSED,
                          stderr_match=option))

CASES += [
    Case("seed-2-64-option", ["practice", "som", "--seed", str(2**64)], rc=REFUSED, stderr_match="--seed"),
    Case("format-empty", ["topics", "--format", ""], rc=REFUSED, stderr_match="--format"),
    Case("format-unknown", ["derive", "mlp", "--format", "pdf"], rc=REFUSED, stderr_match="--format"),
    Case("difficulty-empty", ["practice", "som", "--difficulty", ""], rc=REFUSED, stderr_match="--difficulty"),
    Case("variant-empty", ["practice", "som", "--variant", ""], rc=(0, 2)),
    Case("backend-unknown", ["train", "xor", "--backend", "jax"], rc=REFUSED, stderr_match="--backend"),
    Case("device-unknown", ["train", "xor", "--device", "tpu"], rc=REFUSED, stderr_match="--device"),
    Case("given-empty", ["check", "som", "--given", ""], rc=REFUSED, stderr_match="--given"),
    Case("given-only-equals", ["check", "som", "--given", "="], rc=REFUSED, stderr_match="--given"),
    Case("answer-no-key", ["check", "ttest@3", "--answer", "=1"], rc=REFUSED, stderr_match="--answer"),
    Case("set-empty", ["verify", "mlp", "--set", ""], rc=REFUSED, stderr_match="--set"),
    Case("set-no-value", ["train", "xor", "--set", "lr="], rc=REFUSED, stderr_match="--set"),
    Case("topic-empty", ["derive", ""], rc=REFUSED, stderr_match="TOPIC"),
    Case("target-empty", ["check", ""], rc=REFUSED, stderr_match="TARGET"),
    Case("practice-topic-empty", ["practice", ""], rc=REFUSED, stderr_match="TOPIC"),
    Case("topic-unicode", ["derive", "σ"], rc=REFUSED, stderr_match="TOPIC"),
    Case("topic-emoji", ["practice", "☃"], rc=REFUSED, stderr_match="TOPIC"),
    Case("topic-with-space", ["practice", "som som"], rc=REFUSED, stderr_match="TOPIC"),
    Case("topic-with-newline", ["check", "som\n@3"], rc=REFUSED, stderr_match="TARGET"),
    Case("topic-10k-chars", ["practice", "s" * 10_000], rc=REFUSED, stderr_match="TOPIC"),
    Case("model-10k-chars", ["train", "x" * 10_000], rc=REFUSED, stderr_match="MODEL"),
    Case("id-seed-100-digits", ["practice", "som@" + "9" * 100], rc=REFUSED, stderr_match="TOPIC"),
    Case("id-seed-negative", ["check", "som@-1"], rc=REFUSED, stderr_match="TARGET"),
    Case("id-bad-difficulty", ["practice", "som@3:insane"], rc=REFUSED, stderr_match="TOPIC"),
    Case("id-bad-variant", ["practice", "som@3+nosuch"], rc=REFUSED, stderr_match="variant"),
    Case("topics-list-empty", ["practice", "--topics", ",,,"], rc=REFUSED, stderr_match="TOPIC"),
    Case("topics-list-unknown", ["practice", "--topics", "som,nosuch"], rc=REFUSED, stderr_match="TOPIC"),
    Case("given-key-unicode", ["check", "ttest", "--given", "data=[1,2,3]", "--given", "μ0=2"], rc=REFUSED, stderr_match="μ0|mu0"),
    Case("answer-10k-chars", ["check", "ttest@3", "--answer", "t=" + "1" * 10_000], rc=REFUSED, stderr_match="t"),
    Case("unknown-option", ["derive", "mlp", "--nosuch"], rc=REFUSED),
    Case("option-missing-value", ["practice", "som", "--count"], rc=REFUSED, stderr_match="--count"),
]

# --- 10. files the CLI writes: refused before the work, written atomically ----------------------

for label, ext in (("docx", ".docx"), ("png", ".png"), ("npz", ".npz"), ("csv", ".csv"),
                   ("md5", ".MD5"), ("none", ""), ("dot", "."), ("md-bak", ".md.bak"), ("toml-bak", ".toml~")):
    CASES.append(Case(f"out-extension-{label}", ["practice", "som", "--out", f"sheet{ext}"], rc=REFUSED, stderr_match="--out"))
CASES += [
    Case("out-uppercase-ok", ["practice", "som", "--seed", "1", "--out", "SHEET.MD"], rc=OK),
    Case("out-directory", ["practice", "som", "--out", "{tmp}/d.md"], setup=folder("d.md"), rc=REFUSED, stderr_match="--out"),
    Case("out-fifo", ["practice", "som", "--out", "{tmp}/f.md"], setup=fifo("f.md"), rc=REFUSED, stderr_match="--out.*FIFO"),
    Case("out-fifo-toml", ["practice", "som@3", "--out", "{tmp}/f.toml"], setup=fifo("f.toml"), rc=REFUSED, stderr_match="--out"),
    Case("out-dev-null-link", ["practice", "som", "--out", "{tmp}/n.md"], setup=link("n.md", "/dev/null"), rc=REFUSED,
         stderr_match="--out"),
    Case("out-dev-full-link", ["practice", "som", "--out", "{tmp}/n.txt"], setup=link("n.txt", "/dev/full"), rc=REFUSED,
         stderr_match="--out"),
    Case("out-missing-folder", ["practice", "som", "--out", "{tmp}/no/such/sheet.md"], rc=REFUSED, stderr_match="--out"),
    Case("out-name-too-long", ["practice", "som", "--out", "x" * 300 + ".md"], rc=REFUSED, stderr_match="--out"),
    Case("out-path-with-spaces", ["practice", "som", "--seed", "1", "--out", "{tmp}/my sheet.md"], rc=OK),
    Case("out-path-with-newline", ["practice", "som", "--seed", "1", "--out", "{tmp}/a\nb.json"], rc=OK),
    Case("out-unicode-name", ["practice", "som", "--seed", "1", "--out", "{tmp}/Übung σ.tex"], rc=OK),
    Case("out-overwrites-file", ["practice", "som", "--seed", "1", "--out", "{tmp}/s.txt"], setup=file("s.txt", "old"), rc=OK),
    Case("out-500-exercises", ["practice", "som", "--seed", "1", "--count", "500", "--out", "{tmp}/s.json"], rc=OK,
         max_seconds=5.0),
    Case("plot-directory", ["train", "xor", "--plot", "{tmp}/p.png"], setup=folder("p.png"), rc=REFUSED, stderr_match="--plot"),
    Case("plot-fifo", ["train", "xor", "--plot", "{tmp}/p.png"], setup=fifo("p.png"), rc=REFUSED, stderr_match="--plot"),
    Case("plot-missing-folder", ["train", "xor", "--plot", "{tmp}/no/p.png"], rc=REFUSED, stderr_match="--plot"),
    Case("plot-wrong-extension", ["train", "xor", "--plot", "p.jpg"], rc=REFUSED, stderr_match="--plot"),
    Case("plot-dev-null", ["train", "xor", "--plot", "{tmp}/n.png"], setup=link("n.png", "/dev/null"), rc=REFUSED,
         stderr_match="--plot"),
    Case("plot-before-long-training", ["train", "mlp", "--epochs", "1000000", "--plot", "{tmp}/p.png"], setup=folder("p.png"),
         rc=REFUSED, stderr_match="--plot", max_seconds=3.0),
    Case("save-directory", ["train", "xor", "--save", "{tmp}/s.npz"], setup=folder("s.npz"), rc=REFUSED, stderr_match="--save"),
    Case("save-fifo", ["train", "xor", "--save", "{tmp}/s.npz"], setup=fifo("s.npz"), rc=REFUSED, stderr_match="--save"),
    Case("save-missing-folder", ["train", "xor", "--save", "{tmp}/no/s.npz"], rc=REFUSED, stderr_match="--save"),
    Case("save-dev-full", ["train", "xor", "--save", "/dev/full"], rc=REFUSED, stderr_match="--save"),
    Case("save-before-long-training", ["train", "mlp", "--epochs", "1000000", "--save", "{tmp}/s.npz"], setup=fifo("s.npz"),
         rc=REFUSED, stderr_match="--save", max_seconds=3.0),
    Case("save-then-load-ok", ["train", "xor", "--epochs", "5", "--save", "{tmp}/x.npz"], rc=OK),
]

# --- the interactive prompt with hostile input ---------------------------------------------------

CASES += [
    Case("interactive-eof", ["practice", "som@3", "--interactive"], stdin="", rc=OK),
    Case("interactive-garbage", ["practice", "som@3", "--interactive"], stdin="\n".join(["%%%", "0,5", "[[[", "?", "q"]) + "\n",
         rc=OK, check_output=False),
    Case("interactive-long-line", ["check", "ttest@3", "--interactive"], stdin="1" * 100_000 + "\nq\n", rc=OK, check_output=False),
    Case("interactive-endless-line", ["practice", "som@3", "--interactive"], stdin="0" * 200_000, rc=REFUSED,
         stderr_match="--interactive.*longer than", check_output=False),
    Case("interactive-crlf-lines", ["check", "ttest@3", "--interactive"], stdin="1\r\n2\r\nq\r\n", rc=OK, check_output=False),
    Case("interactive-nul-and-unicode", ["check", "ttest@3", "--interactive"], stdin="\x00\x00\nσ²\n∞\nq\n", rc=OK,
         check_output=False),
]

# --- 10. output streams: full, closed, a reader gone, no Unicode, Ctrl-C (own process) ----------

STREAM_COMMANDS = {  # a short text output, a sheet, and a long JSON (fails inside a write, not at the flush)
    "derive-mlp": ["derive", "mlp"], "practice-som": ["practice", "som", "--seed", "1"],
    "derive-lstm-json": ["derive", "lstm", "--format", "json"],
}
for tag, args in STREAM_COMMANDS.items():
    CASES += [
        Case(f"stdout-dev-full-{tag}", args, subprocess=True, stdout_path="/dev/full", rc=WRITE_FAILED,
             stderr_match=r"\Achainrule: error: standard output: cannot write \(No space left on device\)\n\Z"),
        Case(f"stdout-reader-gone-{tag}", args, subprocess=True, close_reader=True, rc=WRITE_FAILED, stderr_match=r"\A\Z"),
    ]
CASES += [
    Case(f"stdout-closed-{tag}", args, subprocess=True, close_stdout=True, rc=WRITE_FAILED,
         stderr_match=r"\Achainrule: error: standard output: cannot write \(it is closed\)\n\Z")
    for tag, args in (("check-som", ["check", "som@3", "--answer", "winner.1=1"]), ("train-xor", ["train", "xor"]))
]
ENCODED = {  # every command once in cp1252 (a Windows console), the notation-heavy ones in ascii and latin-1
    "cp1252": {"derive-mlp": ["derive", "mlp"], "derive-lstm": ["derive", "lstm"], "topics": ["topics"],
               "practice-som": ["practice", "som", "--seed", "1"], "check-som": ["check", "som@3", "--answer", "winner.1=1"],
               "steps-lstm": ["practice", "lstm", "--list-steps"], "derive-mlp-rich": ["derive", "mlp", "--format", "rich"]},
    "ascii": {"derive-attention": ["derive", "attention"], "practice-backprop": ["practice", "backprop", "--seed", "2"],
              "check-ttest": ["check", "ttest@3", "--answer", "t=1"]},
    "latin-1": {"derive-gru": ["derive", "gru"]},
}
for encoding, commands in ENCODED.items():
    for tag, args in commands.items():
        CASES.append(Case(f"encoding-{encoding}-{tag}", args, subprocess=True, env={"PYTHONIOENCODING": encoding}, rc=OK,
                          stderr_match=r"\A\Z"))
CASES += [
    Case("encoding-ascii-notation", ["derive", "mlp", "--format", "text"], subprocess=True, env={"PYTHONIOENCODING": "ascii"},
         rc=OK, stdout_match=r"sigma\(net_h1\)"),
    Case("encoding-cp1252-json-stays-unicode-escaped", ["derive", "mlp", "--format", "json"], subprocess=True,
         env={"PYTHONIOENCODING": "cp1252"}, rc=OK, stdout_match=r"\\u03c3"),
    Case("encoding-ascii-unicode-error-message", ["derive", "σ"], subprocess=True, env={"PYTHONIOENCODING": "ascii"},
         rc=REFUSED, stderr_match="sigma"),
    Case("encoding-ascii-unicode-out-name", ["practice", "som", "--seed", "1", "--out", "{tmp}/Übung σ.md"], subprocess=True,
         env={"PYTHONIOENCODING": "ascii"}, rc=OK, stdout_match="wrote"),
    Case("encoding-ascii-with-dev-full", ["derive", "mlp"], subprocess=True, env={"PYTHONIOENCODING": "ascii"},
         stdout_path="/dev/full", rc=WRITE_FAILED, stderr_match="standard output"),
    Case("sigint-during-train", ["train", "mlp", "--epochs", "100000"], subprocess=True, interrupt_after=3.0,
         rc=(130,), stderr_match=r"\Achainrule: aborted\n\Z", max_seconds=8.0),
    Case("sigint-during-interactive", ["practice", "som@3", "--interactive"], subprocess=True, interrupt_after=2.5,
         rc=(130, 0), max_seconds=8.0, check_output=False),
]
