"""problems.streams: ASCII notation for streams without Unicode, and failed writes reported by the
error boundary (exit 1, one line) instead of a traceback."""

from __future__ import annotations

import errno
import io
import json
import sys
import unicodedata

import pytest

from problems import command_line as cl
from problems import streams
from tests.conftest import ROOT


def source_characters() -> set[str]:
    """Every non-ASCII character in the code the printers, topics and problem types are written in."""
    chars: set[str] = set()
    for package in ("derive", "numeric", "problems"):
        for path in (ROOT / package).rglob("*.py"):
            chars |= {ch for ch in path.read_text(encoding="utf-8") if not ch.isascii()}
    return chars - {"\ufeff"}


def test_every_character_the_course_writes_has_an_ascii_spelling():
    missing = {ch: unicodedata.name(ch, "?") for ch in source_characters()
               if streams.to_ascii("x" + ch) in ("x?", "x") and not unicodedata.combining(ch)}
    assert not missing, f"add these to problems.streams.WORDS: {missing}"


def test_ascii_spellings_are_ascii_and_cannot_break_json_or_look_non_finite():
    table = {**streams.WORDS, **streams.SUPERSCRIPTS, **streams.SUBSCRIPTS, **streams.ACCENTS}
    for ch in list(table) + sorted(source_characters()):
        out = streams.to_ascii(ch)
        assert out.isascii(), (ch, out)
        assert '"' not in out and "\\" not in out, (ch, out)
        assert out.strip().lower() not in ("inf", "nan", "oo", "zoo"), (ch, out)


@pytest.mark.parametrize("text, ascii", [
    ("∂E/∂w₁ = δ·σ(z)", "dE/dw_1 = delta*sigma(z)"),
    ("x⁻¹ + y²³ → Wᵀ", "x^-1 + y^23 -> W^T"),
    ("hₜ₋₁ ⊙ ŷ", "h_t-1 (.) y_hat"),
    ("η ≤ 1 … ½‖x‖²", "eta <= 1 ... 1/2||x||^2"),
    ("café, Übung", "cafe, Ubung"),
    ("0.7✗ and “quoted”", "0.7(x) and 'quoted'"),
    ("\udcff", "?"),  # a lone surrogate (a file name that is not UTF-8)
    ("plain ASCII", "plain ASCII"),
])
def test_to_ascii_examples(text, ascii):
    assert streams.to_ascii(text) == ascii


def test_json_escaped_for_an_ascii_stream_is_the_same_json():
    from derive import derive
    from derive.printing import render
    text = render(derive("mlp", {}), "json")
    escaped = streams.escape_json(text)
    assert escaped.isascii() and not text.isascii()
    assert json.loads(escaped) == json.loads(text)
    assert json.loads(streams.escape_json('"𝟏 σ"')) == "𝟏 σ"  # beyond U+FFFF: a surrogate pair


def wrapper(encoding: str) -> tuple[io.BytesIO, io.TextIOWrapper]:
    raw = io.BytesIO()
    return raw, io.TextIOWrapper(raw, encoding=encoding, write_through=True)


@pytest.mark.parametrize("encoding, ascii", [("cp1252", True), ("ascii", True), ("latin-1", True),
                                             ("utf-8", False), ("utf-16", False)])
def test_a_stream_gets_ascii_notation_exactly_when_it_cannot_encode_the_notation(encoding, ascii):
    raw, stream = wrapper(encoding)
    out = streams.Guarded(stream, "standard output")
    assert out.ascii is ascii
    out.write("σ(z)² → ∂E")
    written = raw.getvalue().decode(encoding)
    assert written == ("sigma(z)^2 -> dE" if ascii else "σ(z)² → ∂E")


def test_a_character_outside_the_probe_is_transliterated_rather_than_crashing():
    raw, stream = wrapper("utf-8")
    out = streams.Guarded(stream, "standard output")
    out.write("file \udcff.md")  # not encodable even in UTF-8
    assert raw.getvalue() == b"file ?.md"


class Failing(io.StringIO):
    def __init__(self, error: OSError) -> None:
        super().__init__()
        self.error = error

    def write(self, text: str) -> int:
        raise self.error


@pytest.mark.parametrize("error, kind", [
    (OSError(errno.ENOSPC, "No space left on device"), streams.OutputFailed),
    (OSError(errno.EBADF, "Bad file descriptor"), streams.OutputFailed),
    (BrokenPipeError(errno.EPIPE, "Broken pipe"), streams.OutputClosed),
    (OSError(errno.EPIPE, "Broken pipe"), streams.OutputClosed),
])
def test_write_failures_become_the_streams_own_errors(error, kind):
    out = streams.Guarded(Failing(error), "standard output")
    with pytest.raises(kind):
        out.write("x")


def run_with_stdout(monkeypatch, stdout, command) -> tuple[int, str]:
    err = io.StringIO()
    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.setattr(sys, "stderr", err)
    with pytest.raises(SystemExit) as caught:
        cl.run(command)
    return caught.value.code, err.getvalue()


def test_the_boundary_reports_a_failed_write_in_one_line_with_exit_1(monkeypatch):
    def command() -> int:
        print("hello")
        return 0
    code, err = run_with_stdout(monkeypatch, Failing(OSError(errno.ENOSPC, "No space left on device")), command)
    assert code == 1
    assert err == "chainrule: error: standard output: cannot write (No space left on device)\n"


def test_the_boundary_is_quiet_when_the_reader_went_away(monkeypatch):
    code, err = run_with_stdout(monkeypatch, Failing(BrokenPipeError(errno.EPIPE, "Broken pipe")), lambda: print("x") or 0)
    assert (code, err) == (1, "")


def test_a_closed_stdout_is_refused_before_the_command_runs(monkeypatch):
    ran = []
    code, err = run_with_stdout(monkeypatch, None, lambda: ran.append(1) or 0)
    assert (code, ran) == (1, [])
    assert err == "chainrule: error: standard output: cannot write (it is closed)\n"


def test_the_streams_are_restored_after_the_command(monkeypatch):
    out = io.StringIO()
    code, _ = run_with_stdout(monkeypatch, out, lambda: print("σ") or 0)
    assert code == 0 and sys.stdout is out and out.getvalue() == "σ\n"
