"""chainrule command line: parse options, call a pillar, hand the result to a printer.

Only this module talks to the console and only it imports typer. Pillars are imported inside
the commands so that ``chainrule --help`` loads neither SymPy nor NumPy nor torch.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

try:  # typer ≥ 0.29 vendors click
    from typer._click import exceptions as click
except ImportError:  # pragma: no cover - older typer with click as a dependency
    from click import exceptions as click  # type: ignore[no-redef]

app = typer.Typer(
    name="chainrule",
    help="Learn deep learning by deriving it: derivations, numeric checks, training and checked exercises.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class Format(str, Enum):
    rich = "rich"
    text = "text"
    markdown = "markdown"
    latex = "latex"
    json = "json"


class Backend(str, Enum):
    numpy = "numpy"
    torch = "torch"


class Difficulty(str, Enum):
    easy = "easy"
    exam = "exam"
    hard = "hard"


FormatOpt = Annotated[Optional[Format], typer.Option("--format", "-f", help="Output format (default: rich on a terminal, text when piped).")]
SeedOpt = Annotated[Optional[int], typer.Option("--seed", min=0, max=2**32 - 1, help="Random seed: same seed, same output.")]
GivenOpt = Annotated[Optional[list[str]], typer.Option("--given", "-g", help="KEY=VALUE, repeatable (numbers, fractions, exp(-0.5), [[…],[…]]).")]
SetOpt = Annotated[Optional[list[str]], typer.Option("--set", help="Topic/model option KEY=VALUE not covered by a named option.")]


class CliError(Exception):
    """An error already phrased for the user: printed on one line, exit 2."""

    def __init__(self, arg: str | None, message: str):
        super().__init__(f"{arg}: {message}" if arg else message)


# --- output ---------------------------------------------------------------------------------

def _fmt(fmt: Format | None) -> str:
    if fmt is not None:
        return fmt.value
    return "rich" if sys.stdout.isatty() else "text"


def emit(doc: Any, fmt: Format | None) -> None:
    """Render ``doc`` and write it to stdout."""
    from derive.printing import render
    f = _fmt(fmt)
    out = render(doc, f)
    if f == "rich":
        from rich.console import Console
        Console(highlight=False).print(out)
    else:
        sys.stdout.write(out)


def write_file(doc: Any, path: Path) -> str:
    """Write ``doc`` to ``path`` in the format its extension names; returns the format."""
    from derive.printing import render
    fmt = {".md": "markdown", ".tex": "latex", ".json": "json", ".txt": "text"}.get(path.suffix.lower())
    if fmt is None:
        raise CliError("--out", f"'{path}': expected a .md, .tex, .json or .txt file name")
    try:
        path.write_text(render(doc, fmt), encoding="utf-8")
    except OSError as exc:
        raise CliError("--out", f"cannot write '{path}': {exc.strerror}") from exc
    return fmt


def pairs(items: list[str] | None, arg: str) -> dict[str, str]:
    """``["k=v", …]`` → ``{k: v}`` (text values; the pillar parses them safely)."""
    out: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise CliError(arg, f"expected KEY=VALUE, got '{item[:40]}'")
        out[key.strip()] = value.strip()
    return out


def parse_given(items: list[str] | None) -> dict[str, Any]:
    """``--given`` values parsed by the safe parser into numbers and nested lists."""
    from derive.errors import UserError
    from derive.parse import parse_value
    out: dict[str, Any] = {}
    for key, text in pairs(items, "--given").items():
        try:
            out[key] = parse_value(text)
        except UserError:
            out[key] = text  # words such as tail=two; the pillar validates them
    return out


def topic_options(module: Any, supplied: dict[str, Any], extra: dict[str, str]) -> dict[str, Any]:
    """Options for a topic/model: its defaults, overridden by what was supplied; unknown → error."""
    allowed = dict(getattr(module, "OPTIONS", {}))
    opts = dict(allowed)
    for key, value in {**supplied, **extra}.items():
        if value is None or value is False and key not in allowed:
            continue
        if key not in allowed:
            names = ", ".join(f"--{k.replace('_', '-')}" for k in allowed) or "none"
            raise CliError(f"--{key.replace('_', '-')}", f"not an option of '{module.NAME}' (its options: {names})")
        opts[key] = value
    return opts


def _lookup(kind: str, name: str) -> Any:
    if kind == "topic":
        from derive.registry import get
    elif kind == "model":
        from numeric.registry import get
    else:
        from problems.registry import get
    try:
        return get(name)
    except KeyError as exc:
        raise CliError(kind.upper() if kind != "problem" else "TOPIC", str(exc.args[0])) from None


# --- commands --------------------------------------------------------------------------------

@app.command()
def topics(fmt: FormatOpt = None) -> None:
    """List what exists: derivation topics, trainable models, problem types, syllabus coverage."""
    from problems.catalogue import catalogue
    emit(catalogue(), fmt)


@app.command()
def derive(
    topic: Annotated[str, typer.Argument(help="Topic, e.g. mlp, activations, lstm, attention (see `chainrule topics`).")],
    given: GivenOpt = None,
    values: Annotated[bool, typer.Option("--values", help="Evaluate every step at random numbers (seeded).")] = False,
    seed: SeedOpt = None,
    hidden: Annotated[Optional[int], typer.Option(min=1, max=16, help="Hidden units (mlp).")] = None,
    outputs: Annotated[Optional[int], typer.Option(min=1, max=16, help="Output units (mlp).")] = None,
    inputs: Annotated[Optional[int], typer.Option(min=1, max=16, help="Input units (mlp).")] = None,
    layers: Annotated[Optional[int], typer.Option(min=1, max=50, help="Number of layers L (mlp --matrix).")] = None,
    activation: Annotated[Optional[str], typer.Option(help="Activation: sigmoid, tanh, relu, ….")] = None,
    loss: Annotated[Optional[str], typer.Option(help="Loss: mse, cross-entropy, ….")] = None,
    matrix: Annotated[bool, typer.Option("--matrix", help="Matrix (vectorised) form.")] = False,
    steps: Annotated[Optional[int], typer.Option("--steps", min=1, max=100, help="Time steps T for BPTT.")] = None,
    heads: Annotated[Optional[int], typer.Option(min=1, max=16, help="Attention heads.")] = None,
    mask: Annotated[Optional[str], typer.Option(help="Attention mask: none or causal.")] = None,
    form: Annotated[Optional[str], typer.Option(help="Weight form: concat or split (lstm, gru).")] = None,
    convention: Annotated[Optional[str], typer.Option(help="Convention variant (e.g. gru: course or pytorch).")] = None,
    which: Annotated[Optional[str], typer.Option(help="Pick one item of a catalogue topic (e.g. one activation).")] = None,
    graph: Annotated[Optional[str], typer.Option(help="Print the computational graph instead: dot.")] = None,
    set_: SetOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """Derive TOPIC step by step: forward pass, local derivatives, chain-rule products, gradients."""
    module = _lookup("topic", topic)
    supplied = dict(hidden=hidden, outputs=outputs, inputs=inputs, layers=layers, activation=activation, loss=loss,
                    matrix=matrix or None, steps=steps, heads=heads, mask=mask, form=form, convention=convention, which=which)
    opts = topic_options(module, supplied, pairs(set_, "--set"))
    want_values = values or seed is not None or bool(given)
    doc = module.derive(opts, parse_given(given) if want_values else None, (seed if seed is not None else 0) if want_values else None)
    if graph is not None:
        if graph != "dot":
            raise CliError("--graph", f"expected 'dot', got '{graph}'")
        if doc.graph is None:
            raise CliError("--graph", f"topic '{topic}' is an analytic derivation without a computational graph")
        sys.stdout.write(doc.graph.to_dot())
        return
    emit(doc, fmt)


@app.command()
def verify(
    topic: Annotated[str, typer.Argument(help="Topic to verify numerically (see `chainrule topics`).")],
    backend: Annotated[Backend, typer.Option(help="Also compare with torch autograd: numpy (FD only when torch is absent) or torch.")] = Backend.numpy,
    seed: SeedOpt = None,
    points: Annotated[int, typer.Option(min=1, max=100, help="Random points per check.")] = 3,
    hidden: Annotated[Optional[int], typer.Option(min=1, max=16)] = None,
    outputs: Annotated[Optional[int], typer.Option(min=1, max=16)] = None,
    inputs: Annotated[Optional[int], typer.Option(min=1, max=16)] = None,
    layers: Annotated[Optional[int], typer.Option(min=1, max=50)] = None,
    activation: Annotated[Optional[str], typer.Option()] = None,
    loss: Annotated[Optional[str], typer.Option()] = None,
    matrix: Annotated[bool, typer.Option("--matrix")] = False,
    steps: Annotated[Optional[int], typer.Option("--steps", min=1, max=100)] = None,
    heads: Annotated[Optional[int], typer.Option(min=1, max=16)] = None,
    mask: Annotated[Optional[str], typer.Option()] = None,
    form: Annotated[Optional[str], typer.Option()] = None,
    convention: Annotated[Optional[str], typer.Option()] = None,
    which: Annotated[Optional[str], typer.Option()] = None,
    set_: SetOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """Check every derived gradient against finite differences (and torch autograd if installed)."""
    module = _lookup("topic", topic)
    supplied = dict(hidden=hidden, outputs=outputs, inputs=inputs, layers=layers, activation=activation, loss=loss,
                    matrix=matrix or None, steps=steps, heads=heads, mask=mask, form=form, convention=convention, which=which)
    opts = topic_options(module, supplied, pairs(set_, "--set"))
    if backend is Backend.torch and not _has_torch():
        raise CliError("--backend", "torch is not installed (pip install 'chainrule[torch]')")
    result = module.verify(opts, seed if seed is not None else 0, backend.value, points)
    emit(result, fmt)
    if not result.passed:
        raise typer.Exit(1)


def _has_torch() -> bool:
    import importlib.util
    return importlib.util.find_spec("torch") is not None


@app.command()
def train(
    model: Annotated[str, typer.Argument(help="Model to train, e.g. xor, mlp, cnn, lstm (see `chainrule topics`).")],
    backend: Annotated[Backend, typer.Option(help="numpy (default) or torch.")] = Backend.numpy,
    device: Annotated[str, typer.Option(help="cpu or cuda (torch backend).")] = "cpu",
    epochs: Annotated[Optional[int], typer.Option(min=1, max=1_000_000, help="Training epochs.")] = None,
    steps: Annotated[Optional[int], typer.Option("--steps", min=1, max=10_000_000, help="Training steps (models counted in steps).")] = None,
    seed: Annotated[int, typer.Option(min=0, max=2**32 - 1, help="Random seed.")] = 0,
    lr: Annotated[Optional[float], typer.Option(min=0.0, max=100.0, help="Learning rate.")] = None,
    batch_size: Annotated[Optional[int], typer.Option(min=1, max=100_000)] = None,
    hidden: Annotated[Optional[int], typer.Option(min=1, max=100_000, help="Hidden units.")] = None,
    data: Annotated[Optional[str], typer.Option(help="Dataset variant (model specific).")] = None,
    text: Annotated[Optional[Path], typer.Option(help="Text file for a character model.")] = None,
    plot: Annotated[Optional[Path], typer.Option(help="Write plots to this PNG path (needs matplotlib).")] = None,
    save: Annotated[Optional[Path], typer.Option(help="Save parameters to an .npz file.")] = None,
    load: Annotated[Optional[Path], typer.Option(help="Load parameters from an .npz file.")] = None,
    set_: SetOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """Train MODEL on real or standard data with a progress bar; report final metrics."""
    module = _lookup("model", model)
    if device not in ("cpu", "cuda"):
        raise CliError("--device", f"expected cpu or cuda, got '{device}'")
    if device == "cuda" and backend is not Backend.torch:
        raise CliError("--device", "cuda needs --backend torch")
    if backend is Backend.torch and not _has_torch():
        raise CliError("--backend", "torch is not installed (pip install 'chainrule[torch]')")
    supplied = dict(epochs=epochs, steps=steps, lr=lr, batch_size=batch_size, hidden=hidden, data=data, text=text)
    config = topic_options(module, supplied, pairs(set_, "--set"))
    config.update(backend=backend.value, device=device, seed=seed, plot=plot, save=save, load=load)
    show_bar = _fmt(fmt) in ("rich", "text") and sys.stderr.isatty()
    report = _run_with_progress(module, config, show_bar)
    emit(report, fmt)
    if report.metrics.get("failed_reason"):
        raise typer.Exit(1)


def _run_with_progress(module: Any, config: dict[str, Any], show: bool) -> Any:
    if not show:
        return module.train(config, None)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[info]}"),
                  TimeElapsedColumn(), TimeRemainingColumn(), console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task(f"train {module.NAME}", total=None, info="")

        def progress(done: int, total: int, metrics: dict[str, float]) -> None:
            info = "  ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}" for k, v in metrics.items())
            bar.update(task, completed=done, total=total, info=info)
        return module.train(config, progress)


VariantOpt = Annotated[Optional[str], typer.Option(help="A variant of the type (see --list-steps), e.g. solve-weights.")]
SolveWeightsOpt = Annotated[bool, typer.Option("--solve-weights", help="rbf-xor: the variant that solves for the output weights.")]


@app.command()
def practice(
    topic: Annotated[Optional[str], typer.Argument(help="Problem type (see `chainrule topics`), or an exercise id TOPIC@SEED.")] = None,
    topics_: Annotated[Optional[str], typer.Option("--topics", help="Several types, comma-separated, mixed into one sheet.")] = None,
    seed: SeedOpt = None,
    count: Annotated[int, typer.Option(min=1, max=500, help="Number of exercises.")] = 1,
    difficulty: Annotated[Difficulty, typer.Option(help="easy, exam or hard.")] = Difficulty.exam,
    variant: VariantOpt = None,
    solve_weights: SolveWeightsOpt = False,
    no_solutions: Annotated[bool, typer.Option("--no-solutions", help="Exercises only, no answer key.")] = False,
    interactive: Annotated[bool, typer.Option("--interactive", "-i", help="Solve it here, step by step, with hints.")] = False,
    out: Annotated[Optional[Path], typer.Option(help="Write a sheet (.md, .tex, .json, .txt) or a TOML answer file (.toml).")] = None,
    list_steps: Annotated[bool, typer.Option("--list-steps", help="Show the type's step ids, givens, variants and mistakes.")] = False,
    fmt: FormatOpt = None,
) -> None:
    """Generate randomized, reproducible exercises (ids TOPIC@SEED) with worked solutions."""
    from problems import engine
    modules, seed, diff, variant = _practice_targets(topic, topics_, seed, difficulty.value, _variant(variant, solve_weights))
    if list_steps:
        return emit(engine.step_list(modules[0]), fmt)
    if interactive:
        return run_interactive(modules[0], (ex := engine.make_exercise(modules[0], seed, diff, variant)), {}, fmt, ex.id)
    sheet = engine.make_sheet(modules, seed, count, diff, variant, show_solutions=not no_solutions)
    if out is None:
        return emit(sheet, fmt)
    kind = _write_practice(sheet, modules, out)
    print(f"wrote {len(sheet.exercises)} exercise(s) with {'an answer key' if sheet.show_solutions and kind != 'toml' else 'no answer key'} to {out} ({kind})")


def _variant(variant: str | None, solve_weights: bool) -> str | None:
    if solve_weights and variant not in (None, "solve-weights"):
        raise CliError("--solve-weights", f"conflicts with --variant {variant}")
    return "solve-weights" if solve_weights else variant


def _write_practice(sheet: Any, modules: list[Any], out: Path) -> str:
    """A sheet in the format the extension names, or (``.toml``) one exercise's answer file."""
    if out.suffix.lower() != ".toml":
        return write_file(sheet, out)
    if len(sheet.exercises) != 1:
        raise CliError("--out", "a .toml answer file holds one exercise; drop --count or write .md/.tex")
    from problems.template import answer_template
    try:
        out.write_text(answer_template(modules[0], sheet.exercises[0]), encoding="utf-8")
    except OSError as exc:
        raise CliError("--out", f"cannot write '{out}': {exc.strerror}") from exc
    return "toml"


def _practice_targets(topic: str | None, topics_: str | None, seed: int | None, difficulty: str,
                      variant: str | None) -> tuple[list[Any], int, str, str | None]:
    from problems.engine import parse_exercise_id
    names: list[str] = []
    if topic:
        try:
            name, id_seed, id_diff, id_var = parse_exercise_id(topic)
        except ValueError as exc:
            raise CliError("TOPIC", str(exc)) from None
        names.append(name)
        seed = id_seed if id_seed is not None else seed
        difficulty = id_diff if "@" in topic and ":" in topic else difficulty
        variant = id_var or variant
    if topics_:
        names += [t.strip() for t in topics_.split(",") if t.strip()]
    if not names:
        raise CliError("TOPIC", "name a problem type or use --topics a,b,c (see `chainrule topics`)")
    modules = [_lookup("problem", n) for n in names]
    if variant is not None and any(variant not in getattr(m, "VARIANTS", {}) for m in modules):
        known = ", ".join(sorted({v for m in modules for v in getattr(m, "VARIANTS", {})})) or "none"
        raise CliError("--variant", f"'{variant}' is not a variant of {', '.join(names)} (variants: {known})")
    if seed is None:
        seed = int.from_bytes(os.urandom(3), "big")
    return modules, seed, difficulty, variant


@app.command()
def check(
    target: Annotated[str, typer.Argument(help="Problem type, exercise id TOPIC@SEED, a .toml file, or 'diff'.")],
    file: Annotated[Optional[Path], typer.Argument(help="A TOML file with [givens] and [answers].")] = None,
    seed: SeedOpt = None,
    difficulty: Annotated[Difficulty, typer.Option(help="Difficulty the exercise was generated with.")] = Difficulty.exam,
    variant: VariantOpt = None,
    solve_weights: SolveWeightsOpt = False,
    given: GivenOpt = None,
    answer: Annotated[Optional[list[str]], typer.Option("--answer", "-a", help="STEP=VALUE, repeatable (for diff: the derivative).")] = None,
    interactive: Annotated[bool, typer.Option("--interactive", "-i", help="Enter the answers step by step.")] = False,
    f: Annotated[Optional[str], typer.Option("--f", help="check diff: the function, e.g. 'tanh(w*x+b)'.")] = None,
    wrt: Annotated[Optional[str], typer.Option(help="check diff: the variable to differentiate by.")] = None,
    fmt: FormatOpt = None,
) -> None:
    """Check a hand calculation step by step: correct, rounded, follow-through, incorrect, missing."""
    if target == "diff":
        from derive.check_diff import check_derivative
        if not f or not wrt or not answer or len(answer) != 1:
            raise CliError("check diff", "needs --f FUNCTION --wrt VARIABLE --answer DERIVATIVE (one answer)")
        return emit(check_derivative(f, wrt, answer[0]), fmt)
    from problems import engine
    module, exercise, raw, label = _check_inputs(target, file, seed, difficulty.value, _variant(variant, solve_weights), given, answer)
    if interactive:
        return run_interactive(module, exercise, raw, fmt, label)
    emit(engine.check(module, exercise.givens, raw, label), fmt)


def _check_inputs(target: str, file: Path | None, seed: int | None, difficulty: str, variant: str | None,
                  given: list[str] | None, answer: list[str] | None) -> tuple[Any, Any, dict[str, Any], str | None]:
    """(type, exercise, raw answers, exercise id or None) from the argument, a TOML file and options."""
    from problems import engine
    doc: dict[str, Any] = {}
    if target.endswith(".toml"):
        file, target = Path(target), ""
    if file is not None:
        doc = _read_toml(file)
    name = target or str(doc.get("exercise") or doc.get("topic") or "")
    if not name:
        raise CliError("TARGET", "name the problem type (or put topic = \"...\" in the TOML file)")
    try:
        topic, id_seed, id_diff, id_var = engine.parse_exercise_id(name)
    except ValueError as exc:
        raise CliError("TARGET", str(exc)) from None
    module = _lookup("problem", topic)
    if id_seed is None and doc.get("exercise") and target:  # `check som mywork.toml`: the file's id
        try:
            topic2, id_seed, id_diff, id_var = engine.parse_exercise_id(str(doc["exercise"]))
        except ValueError as exc:
            raise CliError(str(file), f"exercise: {exc}") from None
        if topic2 != topic:
            raise CliError("TARGET", f"'{target}' does not match the file's exercise {doc['exercise']}")
        name = str(doc["exercise"])
    seed = id_seed if id_seed is not None else seed if seed is not None else doc.get("seed")
    difficulty = id_diff if ":" in name else str(doc.get("difficulty", difficulty))
    variant = id_var or variant or doc.get("variant")
    explicit = {**dict(doc.get("givens", {})), **parse_given(given)}
    raw: dict[str, Any] = {**dict(doc.get("answers", {})), **pairs(answer, "--answer")}
    if isinstance(seed, int) and not isinstance(seed, bool):
        base = engine.make_exercise(module, seed, difficulty, variant)
        if not explicit or module.validate({**base.givens, **explicit}) == base.givens:
            return module, base, raw, base.id
        return module, engine.make_exercise(module, seed, difficulty, variant, {**base.givens, **explicit}), raw, None
    if not explicit:
        raise CliError("--given", f"give the exercise's givens (--given KEY=VALUE or [givens] in a TOML file) or --seed N; {module.NAME} needs: {', '.join(module.GIVENS)}")
    return module, engine.make_exercise(module, 0, difficulty, variant, explicit), raw, None


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib
    try:
        if path.stat().st_size > 1_000_000:
            raise CliError(str(path), "file too large (at most 1 MB)")
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CliError(str(path), "no such file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CliError(str(path), f"not valid TOML ({exc})") from None
    except OSError as exc:
        raise CliError(str(path), f"cannot read ({exc.strerror})") from None
    for table in ("givens", "answers"):
        if table in data and not isinstance(data[table], dict):
            raise CliError(str(path), f"[{table}] must be a table")
    return data


def run_interactive(module: Any, exercise: Any, answers: dict[str, Any], fmt: Format | None,
                    exercise_label: str | None = None) -> None:
    """Ask for each step in order; show how the input was read, then judge it; '?' gives the formula."""
    from problems import engine
    print(f"Exercise {exercise_label or '(your own givens)'}\n{exercise.statement}")
    for line in exercise.conventions:
        print(f"  - {line}")
    print("Type each answer (numbers, fractions, exp(-0.5), [..] vectors, [[..],[..]] matrices, words).")
    print("'?' shows the formula, Enter skips a step, 'q' stops.\n")
    for step in exercise.steps:
        spec = engine.spec_for(module, step.id)
        text = _ask(module, exercise, step, spec, answers)
        if text in ("q", "quit"):
            break
    print()
    emit(engine.check(module, exercise.givens, answers, exercise_label), fmt)


def _ask(module: Any, exercise: Any, step: Any, spec: Any, answers: dict[str, Any]) -> str:
    """One step of the interactive loop: read, show how it was read, judge; returns the text typed."""
    from derive.errors import UserError
    from problems import engine
    kind = spec.kind if spec else "number"
    if kind == "choice" and getattr(module, "CHOICES", None):
        kind += ": " + " / ".join(module.CHOICES)
    elif spec is not None and spec.min_decimals:
        kind += f", at least {spec.min_decimals} decimals"
    while True:
        try:
            text = input(f"{step.id} ({engine.step_title(module, step.id)}) [{kind}]> ").strip()
        except EOFError:
            return "q"
        if text == "?":
            print(f"  hint: {spec.hint if spec and spec.hint else 'no formula recorded for this step'}")
            continue
        if text in ("", "q", "quit"):
            return text
        try:
            read = engine.read_answers(module, {step.id: text})[step.id]
        except UserError as exc:
            print(f"  could not read that: {exc}")
            continue
        print(f"  read as: {engine.describe(module, step.id, read)}")
        answers[step.id] = text
        mark = next(m for m in engine.check(module, exercise.givens, answers).marks if m.id == step.id)
        note = " — ".join(x for x in (mark.diagnosis, mark.message) if x)
        print(f"  {mark.status}" + (f" — {note}" if note else ""))
        return text


# --- entry point -----------------------------------------------------------------------------

def _one_line(message: str) -> str:
    return " ".join(str(message).split())


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app; user errors → one line on stderr and exit 2."""
    command = typer.main.get_command(app)
    try:
        rv = command.main(args=argv, prog_name="chainrule", standalone_mode=False)
    except getattr(click, "NoArgsIsHelpError", ()) as exc:
        sys.stdout.write(exc.ctx.get_help() + "\n" if exc.ctx is not None else "")
        sys.exit(0)
    except click.UsageError as exc:
        hint = f"{exc.ctx.command_path}: " if exc.ctx is not None else ""
        sys.stderr.write(f"chainrule: error: {hint}{_one_line(exc.format_message())}\n")
        sys.exit(2)
    except CliError as exc:
        sys.stderr.write(f"chainrule: error: {_one_line(str(exc))}\n")
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        sys.stderr.write("chainrule: aborted\n")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # user errors from the pillars
        from derive.errors import UserError
        if isinstance(exc, UserError):
            arg = f"{exc.arg}: " if exc.arg else ""
            sys.stderr.write(f"chainrule: error: {arg}{_one_line(str(exc))}\n")
            sys.exit(2)
        raise
    sys.exit(rv if isinstance(rv, int) else 0)


if __name__ == "__main__":
    main()
