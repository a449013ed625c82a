"""What every chainrule command shares, without typer: reading options, writing output, exiting.

``cli.py`` declares the commands (it alone imports typer) and hands the parsed options here:
``KEY=VALUE`` items (``--given``, ``--answer``, ``--set``), the output format (``--format``:
rich on a terminal, text when piped), files by extension (``--out``, ``problems.export``). ``run`` is the error
boundary: a ``derive.errors.UserError`` becomes one line ``chainrule: error: ARG: message`` on
stderr and exit status 2; an interrupt exits 130. Heavy modules are imported only when used.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from derive.errors import UserError
from derive.files import atomic_write

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


# --- options ---------------------------------------------------------------------------------

def pairs(items: Iterable[str] | None, arg: str) -> dict[str, str]:
    """``["k=v", …]`` → ``{k: v}`` (text values; the pillar parses them safely). A key given
    twice is refused: one of the two values would be silently dropped."""
    out: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UserError(f"expected KEY=VALUE, got '{item[:40]}'", arg)
        key, value = key.strip(), value.strip()
        if key in out:
            raise UserError(f"'{key[:40]}' given twice ({out[key][:20]} and {value[:20]})", arg)
        out[key] = value
    return out


def answer_values(items: Iterable[str] | None) -> dict[str, str]:
    """``--answer`` items as ``{step id: text}``; a value such as ``0,5`` (a decimal comma, or a
    list without brackets) is refused, naming the step."""
    from problems.answer_file import refuse_bare_list
    out = pairs(items, "--answer")
    for key, text in out.items():
        refuse_bare_list(text, f"--answer {key}")
    return out


def given_values(items: Iterable[str] | None) -> dict[str, Any]:
    """``--given`` items read by the safe parser into numbers and nested lists (words stay text);
    ``0,5`` is refused as for ``--answer``."""
    if not items:
        return {}
    from derive.parse import parse_value
    from problems.answer_file import refuse_bare_list
    out: dict[str, Any] = {}
    for key, text in pairs(items, "--given").items():
        refuse_bare_list(text, f"--given {key}")
        try:
            out[key] = parse_value(text)
        except UserError:
            out[key] = text  # words such as tail=two; the pillar validates them
    return out


def options(values: Mapping[str, Any], names: Iterable[str], set_items: Iterable[str] | None) -> dict[str, Any]:
    """The named options ``names`` taken from ``values`` (None when not given; an unset flag is
    None too), then the ``--set KEY=VALUE`` items, in that order."""
    named = {name: None if values[name] is False else values[name] for name in names}
    extra = pairs(set_items, "--set")
    for key in extra:
        name = key.replace("-", "_")
        if named.get(name) is not None:  # both --hidden 4 and --set hidden=3: one would be silently dropped
            raise UserError(f"'{key}' is also given as --{name.replace('_', '-')}: give it once", "--set")
    return {**named, **extra}


def typed_options(ctx: Any) -> dict[str, str]:
    """The parameters of click context ``ctx`` the user typed (not defaults) → how they are
    written (``--count``, ``FILE``), so that options that do not go together can be refused."""
    typed = ("COMMANDLINE", "ENVIRONMENT", "PROMPT")
    return {p.name: p.opts[0] if p.param_type_name == "option" else p.name.upper()
            for p in ctx.command.params if p.name and getattr(ctx.get_parameter_source(p.name), "name", None) in typed}


def exclusive(given: Mapping[str, str], option: str, others: Iterable[str], why: str = "") -> None:
    """Refuse ``option`` and any of ``others`` given together (``given``: the names given on the
    command line → how they are written, e.g. ``{"count": "--count"}``): one would be ignored."""
    if option not in given:
        return
    for other in others:
        if other in given:
            raise UserError(f"cannot be combined with {given[option]}{why}", given[other])


def variant(name: str | None, solve_weights: bool) -> str | None:
    """``--variant``, or ``solve-weights`` for the ``--solve-weights`` flag (the two must agree)."""
    if name is not None and not name.strip():
        raise UserError("expected a variant name (practice TYPE --list-steps lists them), got ''", "--variant")
    if solve_weights and name not in (None, "solve-weights"):
        raise UserError(f"conflicts with --variant {name}", "--solve-weights")
    return "solve-weights" if solve_weights else name


def diff_arguments(f: str | None, wrt: str | None, answers: list[str] | None) -> tuple[str, str | None, str]:
    """(function, variable or None, derivative) of ``check diff``: a function and one answer
    (the variable may be left out when the function has only one)."""
    if not f or not answers or len(answers) != 1:
        raise UserError("needs --f FUNCTION --answer DERIVATIVE (one answer) and --wrt VARIABLE if the function has several", "check diff")
    return f, wrt, answers[0]


# --- input -----------------------------------------------------------------------------------

MAX_INPUT_LINE = 100_000


def ask(prompt: str) -> str:
    """One line typed at the ``--interactive`` prompt, without its newline: ``input`` on a
    terminal; from a pipe or file at most :data:`MAX_INPUT_LINE` characters (``< /dev/zero``
    cannot fill memory). No stdin or its end → EOFError (the session ends); text that is not
    in stdin's encoding or a longer line → UserError."""
    stream = sys.stdin
    if stream is None:
        raise EOFError
    try:
        if stream.isatty():
            return input(prompt)
        sys.stdout.write(prompt)
        sys.stdout.flush()
        line = stream.readline(MAX_INPUT_LINE + 3)  # the limit, a line end and one more
    except UnicodeDecodeError:
        raise UserError(f"standard input is not {getattr(stream, 'encoding', None) or 'UTF-8'} text", "--interactive") from None
    except (OSError, ValueError):  # a closed or unreadable stdin ends the session like its end
        raise EOFError from None
    if not line:
        raise EOFError
    text = line.rstrip("\r\n")
    if len(text) > MAX_INPUT_LINE:
        raise UserError(f"an input line longer than {MAX_INPUT_LINE:,} characters", "--interactive")
    return text


# --- output ----------------------------------------------------------------------------------

def output_format(fmt: Any) -> str:
    """The ``--format`` chosen (a name or a str enum), else rich on a terminal and text when piped."""
    if fmt is not None:
        return str(getattr(fmt, "value", fmt))
    return "rich" if sys.stdout.isatty() else "text"


def show(doc: Any, fmt: Any) -> None:
    """Render ``doc`` in the chosen format and write it to stdout (JSON with ``\\uXXXX`` escapes
    when stdout cannot encode Unicode; other formats are transliterated by the stream)."""
    from derive.printing import render
    name = output_format(fmt)
    _print_rendered(render(doc, name), name)


def show_derivation(topic: str, options: Mapping[str, Any], given: list[str] | None, *, seed: int | None,
                    values: bool, fmt: Any) -> None:
    """``chainrule derive`` on stdout: the derivation of ``topic`` rendered in ``fmt``, printed from
    the rendered-derivation cache when the same request ran before with the same code
    (``derive.rendered_cache``; SymPy is then not even imported)."""
    from derive.rendered_cache import rendered
    name = output_format(fmt)
    request = {"command": "derive", "topic": topic, "options": dict(options), "given": list(given or []),
               "seed": seed, "values": values, "format": name}

    def render_derivation() -> Any:
        import derive
        from derive.printing import render
        return render(derive.derive(topic, options, given=given_values(given), seed=seed, values=values), name)

    if name != "rich":
        _print_rendered(rendered(request, render_derivation), name)
        return
    # rich renders a renderable, not text: the cache keeps what the console would write (its
    # escape codes and box characters), so the key names the console's width, colours and encoding
    from rich.console import Console
    console = Console(highlight=False)
    if console.legacy_windows:  # colours through the Win32 API, not text: nothing to keep
        console.print(render_derivation())
        return
    request["console"] = {"width": console.width, "colors": console.color_system, "encoding": console.encoding,
                          "terminal": console.is_terminal}

    def render_on_console() -> str:
        with console.capture() as captured:
            console.print(render_derivation())
        return captured.get()

    out = rendered(request, render_on_console)
    sys.stdout.write(out)


def _print_rendered(out: str, name: str) -> None:
    """Write text rendered in format ``name`` to stdout (rich markup through rich's console)."""
    if name == "json" and getattr(sys.stdout, "ascii", False):  # a stream without Unicode: \uXXXX, same JSON
        from problems.streams import escape_json
        out = escape_json(out)
    if name == "rich":
        from rich.console import Console
        Console(highlight=False).print(out)
    else:
        sys.stdout.write(out)


def show_verdict(report: Any, fmt: Any, command: str) -> int:
    """Show a verdict report (``check derivation``) and return its ``exit_status``; an undecided
    one (2) also gets its one-line reason on stderr."""
    show(report, fmt)
    if report.exit_status == EXIT_USAGE:
        sys.stderr.write(f"chainrule: error: {command}: undecided: {one_line(report.undecided)}\n")
    return report.exit_status


START_HERE = (
    ("chainrule derive mlp --set preset=mazur", "backprop on the textbook 2-2-2 net, δ notation, every number"),
    ("chainrule practice backprop --key", "an exercise with its worked solution (check yours with chainrule check)"),
    ("chainrule train xor", "train a small net and watch the loss fall"),
)


def start_here(version: bool, no_command: bool) -> bool:
    """``chainrule --version`` prints the version; ``chainrule`` alone prints three commands to
    try. True when one of them was printed (the run is then over, exit 0)."""
    if version:
        from importlib.metadata import PackageNotFoundError, version as installed
        try:
            number = installed("chainrule")
        except PackageNotFoundError:  # run from a source tree that is not installed
            number = "unknown (not installed)"
        sys.stdout.write(f"chainrule {number}\n")
        return True
    if not no_command:
        return False
    width = max(len(c) for c, _ in START_HERE)
    lines = [f"  {c.ljust(width)}   {what}" for c, what in START_HERE]
    footer = "chainrule topics lists everything; chainrule COMMAND --help shows a command's options."
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.panel import Panel
        Console(highlight=False).print(Panel("\n".join(lines) + "\n\n" + footer, title="Start here", expand=False))
    else:
        sys.stdout.write("Start here: three commands to try\n\n" + "\n".join(lines) + "\n\n" + footer + "\n")
    return True


GRAPH_FORMATS = ("dot", "mermaid", "png", "svg")
GRAPH_FILES = {"dot": (".dot", ".gv"), "mermaid": (".mmd", ".mermaid"), "png": (".png",), "svg": (".svg",)}


def graph_file(graph: str, out: Path | None) -> Path | None:
    """``--graph`` and its ``--out`` checked before any work: a known format, an image only to a
    file, and Graphviz present for an image (exit 2 naming the option otherwise)."""
    if graph not in GRAPH_FORMATS:
        raise UserError(f"expected one of {', '.join(GRAPH_FORMATS)}, got '{graph}'", "--graph")
    if graph in ("png", "svg") and out is None:
        raise UserError(f"--graph {graph} writes an image: give --out FILE.{graph}", "--graph")
    if out is not None and out.suffix.lower() not in GRAPH_FILES[graph]:
        raise UserError(f"'{out}': --graph {graph} writes a {' or '.join(GRAPH_FILES[graph])} file", "--out")
    if graph in ("png", "svg"):
        graphviz_program(graph)
    return out


def graph_output(doc: Any, graph: str, topic: str, out: Path | None) -> str:
    """``--graph dot|mermaid`` (printed, or written to ``--out``) and ``--graph png|svg --out FILE``
    (drawn by Graphviz's ``dot``; exit 2 naming --graph when it is not installed). Returns what
    to print: the graph's text, or the line saying which file was written."""
    graph_file(graph, out)
    if doc.graph is None:
        raise UserError(f"topic '{topic}' is an analytic derivation without a computational graph", "--graph")
    text = str(doc.graph.to_mermaid() if graph == "mermaid" else doc.graph.to_dot())
    if graph in ("dot", "mermaid"):
        return text if out is None else f"wrote {atomic_write(out, text, '--out')}\n"
    assert out is not None  # graph_file refused an image without --out
    return f"wrote {atomic_write(out, graphviz_image(text, graph), '--out')}\n"


def graphviz_program(image: str) -> str:
    """The path of Graphviz's ``dot``; UserError naming --graph when it is not installed."""
    import shutil
    program = shutil.which("dot")
    if program is None:
        raise UserError(f"--graph {image} needs Graphviz's 'dot' program, which is not installed (apt install graphviz, "
                        "brew install graphviz); --graph mermaid renders on GitHub and in Jupyter without it", "--graph")
    return program


def graphviz_image(dot: str, image: str) -> bytes:
    """The graph drawn by Graphviz's ``dot -T<image>``; UserError when Graphviz is missing or fails."""
    import subprocess
    program = graphviz_program(image)
    try:
        run = subprocess.run([program, f"-T{image}"], input=dot.encode(), capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UserError(f"Graphviz 'dot' failed: {one_line(str(exc))}", "--graph") from None
    if run.returncode != 0 or not run.stdout:
        raise UserError(f"Graphviz 'dot' failed (exit {run.returncode}): {one_line(run.stderr.decode(errors='replace'))}", "--graph")
    return run.stdout


def sheet_file(path: Path, count: int = 1, arg: str = "--out") -> Path:
    """A sheet's file (``--out``, ``--key-out``) checked before any work: an extension of
    ``problems.export.extensions`` or (one exercise) ``.toml``, the package its writer needs,
    in a writable folder, not a directory, FIFO or device."""
    from problems import export
    suffix = path.suffix.lower()
    if suffix != ".toml" and suffix not in export.extensions(sheet=True):
        raise UserError(f"'{path}': {export.expected(True, ('.toml',))}", arg)
    if suffix == ".toml" and count != 1:
        raise UserError("a .toml answer file holds one exercise; drop --count or write .md/.tex", arg)
    if suffix == ".toml":
        _refuse_filled_answer_file(path, arg)
    return _writable(path, None if suffix == ".toml" else export.file_format(path, sheet=True), arg)


def _refuse_filled_answer_file(path: Path, arg: str) -> None:
    """Refuse to replace an existing ``.toml`` unless it is an answer file with no answer filled
    in: a student's work (or another program's TOML, such as pyproject.toml) is never overwritten."""
    if not path.is_file():
        return
    from problems.answer_file import read_answer_file
    try:
        data = read_answer_file(path)
    except UserError:
        data = None
    filled = [k for k, v in (data or {}).get("answers", {}).items() if not (isinstance(v, str) and not v.strip())]
    if filled:
        raise UserError(f"'{path}' already holds {len(filled)} answer(s); it is left as it is (check it with "
                        f"chainrule check, or choose another name)", arg)
    if data is None or "exercise" not in data:
        raise UserError(f"'{path}' exists and is not a blank answer file written by chainrule; it is left as it is "
                        f"(choose another name)", arg)


def document_file(path: Path | None) -> Path | None:
    """``--out`` of ``derive`` checked before any work (as :func:`sheet_file`, no ``.xml``/``.toml``)."""
    if path is None:
        return None
    from problems import export
    return _writable(path, export.file_format(path, sheet=False))


def _writable(path: Path, fmt: str | None, arg: str = "--out") -> Path:
    from derive.files import check_writable
    from problems import export
    if fmt is not None:
        export.require_package(fmt, arg)
    return check_writable(path, arg)


def write(doc: Any, path: Path) -> str:
    """Write ``doc`` to ``path`` in the format its extension names (atomically: a temporary file
    beside it, renamed); returns the format."""
    from problems import export
    return export.save(doc, path)


def show_or_write(doc: Any, fmt: Any, out: Path | None) -> None:
    """``doc`` shown in ``fmt`` on stdout, or with ``--out`` written to that file (one line says so)."""
    if out is None:
        show(doc, fmt)
    else:
        print(f"wrote {type(doc).__name__.lower()} to {out} ({write(doc, out)})")


def save_sheet(sheet: Any, path: Path) -> str:
    """Write a sheet (by extension) or, to ``.toml``, one exercise's answer file; returns the
    line that says what was written (Anki and Moodle always carry the key: their answers)."""
    if path.suffix.lower() == ".toml":
        _write_text(path, _answer_file(sheet, path.name))
        kind = "toml"
    else:
        kind = write(sheet, path)
    keyed = (sheet.show_solutions and kind != "toml") or kind in ("anki", "moodle")
    key = "an answer key" if keyed else "no answer key"
    return f"wrote {len(sheet.exercises)} exercise(s) with {key} to {path} ({kind})"


def _answer_file(sheet: Any, file_name: str | None = None) -> str:
    if len(sheet.exercises) != 1:
        raise UserError("a .toml answer file holds one exercise; drop --count or write .md/.tex", "--out")
    from problems.registry import get
    from problems.template import answer_template
    exercise = sheet.exercises[0]
    return answer_template(get(exercise.topic), exercise, file_name)


def _write_text(path: Path, text: str) -> None:
    from derive.files import atomic_write
    atomic_write(path, text, "--out")


def train_files(plot: Path | None, save: Path | None) -> None:
    """``--plot`` and ``--save`` checked before training (a run is not lost at its end): a
    writable place for a file, not a directory, FIFO or device; plots are ``.png``."""
    from derive.files import check_writable
    if plot is not None:
        from numeric.plotting import check_plot_path
        check_plot_path(plot)
    if save is not None:
        check_writable(save, "--save")


@contextmanager
def progress_bar(model: str, shown: bool) -> Iterator[Callable[[int, int | None, dict[str, Any]], None] | None]:
    """A ``progress(done, total, metrics)`` drawing a bar on stderr from its first call (None when
    not ``shown``); the bar is closed on leaving."""
    if not shown:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
    bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[info]}"),
                   TimeElapsedColumn(), TimeRemainingColumn(), console=Console(stderr=True), transient=False)
    tasks: list[Any] = []

    def progress(done: int, total: int | None, metrics: dict[str, Any]) -> None:
        if not tasks:
            bar.start()
            tasks.append(bar.add_task(f"train {model}", total=None, info=""))
        info = "  ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}" for k, v in metrics.items())
        bar.update(tasks[0], completed=done, total=total, info=info)
    try:
        yield progress
    finally:
        if tasks:
            bar.stop()


# --- the error boundary ----------------------------------------------------------------------

def one_line(text: str) -> str:
    """``text`` with every run of whitespace (newlines too) made one space."""
    return " ".join(str(text).split())


def run_program(main: Callable[[], Any]) -> NoReturn:
    """Run ``main`` (which ends in SystemExit) and end the process with its status at once."""
    try:
        main()
        code: Any = 0
    except SystemExit as exc:
        code = exc.code
    end_process(code)


def end_process(code: Any) -> NoReturn:
    """Exit with ``code`` (as ``sys.exit`` reads it) without the interpreter's teardown.

    Everything a command writes is written by then (files atomically, attempts committed to the
    store), so what remains is freeing every SymPy and NumPy object and module one by one: 0.2 s
    of a 0.6 s ``derive``. The standard streams are flushed first; ``cli.console`` (the
    ``chainrule`` program and ``python -m cli``) ends this way, while ``cli.main`` (tests, scripts)
    still raises SystemExit."""
    import os
    status = code if isinstance(code, int) else 0 if code is None else 1
    if not isinstance(code, (int, type(None))) and sys.stderr is not None:
        try:
            sys.stderr.write(f"{code}\n")
        except (OSError, ValueError):
            pass
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # started with that descriptor closed
            continue
        try:
            stream.flush()
        except (OSError, ValueError):
            status = status or EXIT_FAILED
    os._exit(status)


def run(command: Callable[[], int]) -> NoReturn:
    """Run a command and exit with its status: 0 done, 1 a check or run failed or the output
    could not be written (one line; a reader that went away, as in ``| head -1``, quietly),
    2 bad input (one line on stderr), 130 interrupted ("chainrule: aborted").

    stdout and stderr are :class:`problems.streams.Guarded` meanwhile: ASCII notation where the
    encoding cannot hold Unicode, and a failed write is reported here, not as a traceback.
    """
    from problems import streams
    with streams.guarded() as (out, _):
        try:
            closed = streams.closed_reason(sys.stdout if out is None else out.wrapped)
            if closed:
                raise streams.OutputFailed("standard output", closed)
            status = command()
            if out is not None:
                out.flush()
        except UserError as exc:
            streams.say(f"chainrule: error: {one_line(f'{exc.arg}: {exc}' if exc.arg else str(exc))}")
            status = EXIT_USAGE
        except KeyboardInterrupt:
            streams.say("chainrule: aborted")
            status = EXIT_INTERRUPTED
            # CPython marks an interrupt that ends inside a string exec/eval (code that NumPy and
            # the standard library run while training) as unhandled even when caught, and under
            # `python -m` then dies by SIGINT instead of exiting 130. A constant string eval
            # clears that mark (run_eval_code_obj resets it first); no user text is evaluated.
            eval("0")  # noqa: S307
        except streams.OutputClosed:
            status = EXIT_FAILED
        except streams.OutputFailed as exc:
            streams.say(f"chainrule: error: {one_line(str(exc))}")
            status = EXIT_FAILED
        if status != EXIT_OK:
            streams.drain(out)  # what the command printed before it stopped; a failure is not reported twice
    sys.exit(status)
