"""chainrule command line: parse options, call one function of a pillar, hand the result to a printer.

Only this module imports typer. What every command shares without typer (KEY=VALUE options,
``--format``, ``--out`` files, the error boundary with its exit codes) is ``problems.command_line``.
The pillars' functions (``derive.derive``/``verify``, ``numeric.train``, ``problems.practice``/
``check``) import SymPy, NumPy and torch only when called, so ``chainrule --help`` loads none.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

import derive
import numeric
import problems
from derive.errors import UserError
from derive.options import TOPIC_OPTIONS, TRAIN_OPTIONS
from problems import check_command as check_cli
from problems import command_line as cl
from problems import practice_command as practice_cli

try:  # typer ≥ 0.26 vendors click
    from typer._click import exceptions as click
except ImportError:  # pragma: no cover - older typer with click as a dependency
    from click import exceptions as click  # type: ignore[no-redef]

app = typer.Typer(
    name="chainrule",
    help="Learn deep learning by deriving it: derivations, numeric checks, training and checked exercises.",
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


Format = Enum("Format", {n: n for n in ("rich", "text", "markdown", "latex", "json")}, type=str)
Backend = Enum("Backend", {n: n for n in ("numpy", "torch")}, type=str)
Difficulty = Enum("Difficulty", {n: n for n in ("easy", "exam", "hard")}, type=str)


FormatOpt = Annotated[Optional[Format], typer.Option("--format", help="Output format (default: rich on a terminal, text when piped).")]
SeedOpt = Annotated[Optional[int], typer.Option("--seed", min=0, max=2**32 - 1, help="Random seed: same seed, same output.")]
GivenOpt = Annotated[Optional[list[str]], typer.Option("--given", "-g", help="KEY=VALUE, repeatable (numbers, fractions, exp(-0.5), [[…],[…]]).")]
SetOpt = Annotated[Optional[list[str]], typer.Option("--set", help="Topic/model option KEY=VALUE not covered by a named option.")]
VariantOpt = Annotated[Optional[str], typer.Option(help="A variant of the type (see --list-steps), e.g. solve-weights.")]
SolveWeightsOpt = Annotated[bool, typer.Option("--solve-weights", help="rbf-xor: the variant that solves for the output weights.")]
DifficultyOpt = Annotated[Difficulty, typer.Option(help="easy, exam or hard.")]
TriesOpt = Annotated[int, typer.Option("--tries", help="--interactive: answers per step before moving on (1 to 20).")]
NoRecordOpt = Annotated[bool, typer.Option("--no-record", help="Do not record this attempt in the progress store.")]


class Topic:
    """The options of a derivation topic, declared once for ``derive`` and ``verify``."""

    NAMES = TOPIC_OPTIONS
    hidden = Annotated[Optional[int], typer.Option(min=1, max=16, help="Hidden units (mlp).")]
    outputs = Annotated[Optional[int], typer.Option(min=1, max=16, help="Output units (mlp).")]
    inputs = Annotated[Optional[int], typer.Option(min=1, max=16, help="Input units (mlp).")]
    layers = Annotated[Optional[int], typer.Option(min=1, max=50, help="Number of layers L (mlp --matrix).")]
    activation = Annotated[Optional[str], typer.Option(help="Activation: sigmoid, tanh or relu (mlp, rnn).")]
    loss = Annotated[Optional[str], typer.Option(help="Loss: mse or cross-entropy (mlp); sum or last (rnn, lstm, gru); upstream or mse (attention, batchnorm, conv).")]
    matrix = Annotated[bool, typer.Option("--matrix", help="Matrix (vectorised) form.")]
    steps = Annotated[Optional[int], typer.Option("--steps", min=1, max=100, help="Time steps T for BPTT.")]
    heads = Annotated[Optional[int], typer.Option(min=1, max=8, help="Attention heads (h, with d_model divisible by h).")]
    mask = Annotated[Optional[str], typer.Option(help="Attention mask: none or causal.")]
    form = Annotated[Optional[str], typer.Option(help="Weight form: concat or split (lstm, gru).")]
    convention = Annotated[Optional[str], typer.Option(help="GRU convention: course, cho or pytorch.")]
    which = Annotated[Optional[str], typer.Option(help="Pick one item of a catalogue topic (e.g. one activation).")]




# --- commands (each body: options in, one pillar call, result out) ---------------------------

@app.callback(invoke_without_command=True)
def start(ctx: typer.Context, version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False) -> None:
    """The app's own options: --version, and a start-here panel when no command is given."""
    if cl.start_here(version, ctx.invoked_subcommand is None):
        raise typer.Exit()

@app.command("topics")
def topics_command(fmt: FormatOpt = None) -> None:
    """List what exists: derivation topics, trainable models, problem types, syllabus coverage."""
    from problems.catalogue import catalogue
    cl.show(catalogue(), fmt)


@app.command("derive")
def derive_command(
    ctx: typer.Context,
    topic: Annotated[str, typer.Argument(help="Topic, e.g. mlp, activations, lstm, attention (see `chainrule topics`).")],
    given: GivenOpt = None,
    values: Annotated[bool, typer.Option("--values", help="Evaluate every step at random numbers (seeded).")] = False,
    seed: SeedOpt = None,
    hidden: Topic.hidden = None,
    outputs: Topic.outputs = None,
    inputs: Topic.inputs = None,
    layers: Topic.layers = None,
    activation: Topic.activation = None,
    loss: Topic.loss = None,
    matrix: Topic.matrix = False,
    steps: Topic.steps = None,
    heads: Topic.heads = None,
    mask: Topic.mask = None,
    form: Topic.form = None,
    convention: Topic.convention = None,
    which: Topic.which = None,
    graph: Annotated[Optional[str], typer.Option(help="Print the computational graph instead: dot or mermaid; png or svg with --out (needs Graphviz).")] = None,
    out: Annotated[Optional[Path], typer.Option(help="Write it to a file, the format by extension: .md .tex .json .txt .html .pdf .apkg (with --graph: .dot/.gv, .mmd/.mermaid, .png or .svg).")] = None,
    set_: SetOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """Derive TOPIC step by step: forward pass, local derivatives, chain-rule products, gradients."""
    cl.exclusive(cl.typed_options(ctx), "graph", ["fmt"], " (the graph is printed as a graph)")
    options, out = cl.options(locals(), Topic.NAMES, set_), cl.document_file(out) if graph is None else cl.graph_file(graph, out)
    if graph is None and out is None:
        return cl.show_derivation(topic, options, given, seed=seed, values=values, fmt=fmt)
    doc = derive.derive(topic, options, given=cl.given_values(given), seed=seed, values=values)
    if graph is not None:
        sys.stdout.write(cl.graph_output(doc, graph, topic, out))
    else:
        cl.show_or_write(doc, fmt, out)


@app.command("verify")
def verify_command(
    topic: Annotated[str, typer.Argument(help="Topic to verify numerically (see `chainrule topics`).")],
    backend: Annotated[Backend, typer.Option(help="numpy: finite differences and the NumPy engine, plus torch autograd when torch is installed; torch: insists on the torch cross-check (as --torch).")] = Backend.numpy,
    seed: SeedOpt = None,
    points: Annotated[int, typer.Option(min=1, max=100, help="Random points per check.")] = 3,
    torch: Annotated[Optional[bool], typer.Option("--torch/--no-torch", help="Cross-check with torch autograd (default: when torch is installed).")] = None,
    hidden: Topic.hidden = None,
    outputs: Topic.outputs = None,
    inputs: Topic.inputs = None,
    layers: Topic.layers = None,
    activation: Topic.activation = None,
    loss: Topic.loss = None,
    matrix: Topic.matrix = False,
    steps: Topic.steps = None,
    heads: Topic.heads = None,
    mask: Topic.mask = None,
    form: Topic.form = None,
    convention: Topic.convention = None,
    which: Topic.which = None,
    set_: SetOpt = None,
    fmt: FormatOpt = None,
) -> int:
    """Check every derived gradient against finite differences (and torch autograd if installed)."""
    options = cl.options(locals(), Topic.NAMES, set_)
    from derive.torch_remote import session
    with session(enabled=_AS_PROGRAM and torch is not False):  # torch imports in a worker meanwhile (docs/decisions.md)
        result = derive.verify(topic, options, seed=seed, backend=backend.value, points=points, torch=torch)
    cl.show(result, fmt)
    return cl.EXIT_OK if result.passed else cl.EXIT_FAILED


@app.command("train")
def train_command(
    model: Annotated[str, typer.Argument(help="Model to train, e.g. xor, mlp, cnn, lstm (see `chainrule topics`).")],
    backend: Annotated[Backend, typer.Option(help="numpy (default) or torch.")] = Backend.numpy,
    device: Annotated[str, typer.Option(help="cpu or cuda (torch backend).")] = "cpu",
    epochs: Annotated[Optional[int], typer.Option(min=0, max=1_000_000, help="Training epochs; 0 evaluates the untrained model (xor, mlp, cnn and perceptron need at least 1).")] = None,
    steps: Annotated[Optional[int], typer.Option("--steps", min=0, max=10_000_000, help="Training steps (models counted in steps).")] = None,
    seed: Annotated[int, typer.Option(min=0, max=2**32 - 1, help="Random seed.")] = 0,
    lr: Annotated[Optional[float], typer.Option(min=0.0, max=100.0, help="Learning rate.")] = None,
    batch_size: Annotated[Optional[int], typer.Option(min=1, max=100_000, help="Examples per minibatch (models trained in minibatches).")] = None,
    hidden: Annotated[Optional[int], typer.Option(min=1, max=100_000, help="Hidden units.")] = None,
    data: Annotated[Optional[str], typer.Option(help="Dataset variant (model specific).")] = None,
    text: Annotated[Optional[Path], typer.Option(help="Text file for a character model.")] = None,
    plot: Annotated[Optional[Path], typer.Option(help="Write plots to this PNG path (needs matplotlib).")] = None,
    save: Annotated[Optional[Path], typer.Option(help="Save parameters to an .npz file.")] = None,
    load: Annotated[Optional[Path], typer.Option(help="Load parameters from an .npz file.")] = None,
    set_: SetOpt = None,
    fmt: FormatOpt = None,
) -> int:
    """Train MODEL on real or standard data with a progress bar; report final metrics."""
    options = cl.options(locals(), TRAIN_OPTIONS, set_)
    cl.train_files(plot, save)
    with cl.progress_bar(model, shown=cl.output_format(fmt) in ("rich", "text") and sys.stderr.isatty()) as progress:
        report = numeric.train(model, options, progress=progress, backend=backend.value, device=device, seed=seed,
                               plot=plot, save=save, load=load)
    cl.show(report, fmt)
    return cl.EXIT_FAILED if report.metrics.get("failed_reason") else cl.EXIT_OK


@app.command("practice")
def practice_command(
    ctx: typer.Context,
    topic: Annotated[Optional[str], typer.Argument(help="Problem type (see `chainrule topics`), or an exercise id TOPIC@SEED.")] = None,
    topics_: Annotated[Optional[str], typer.Option("--topics", help="Several types, comma-separated, mixed into one sheet.")] = None,
    seed: SeedOpt = None,
    count: Annotated[int, typer.Option(min=1, max=500, help="Number of exercises.")] = 1,
    difficulty: DifficultyOpt = Difficulty.exam,
    variant: VariantOpt = None,
    solve_weights: SolveWeightsOpt = False,
    key: Annotated[bool, typer.Option("--key", help="Print the worked answer keys too (an --out sheet has them unless --no-solutions).")] = False,
    no_solutions: Annotated[bool, typer.Option("--no-solutions", help="No answer key, not even in an --out sheet.")] = False,
    key_out: Annotated[Optional[Path], typer.Option("--key-out", help="Write the answer key (with the exercises) to this second file.")] = None,
    focus: Annotated[Optional[str], typer.Option(help="mistakes: exercises of the types/variants of your most frequent named mistakes.")] = None,
    interactive: Annotated[bool, typer.Option("--interactive", "-i", help="Solve it here, step by step, with hints.")] = False,
    tries: TriesOpt = 3,
    no_record: NoRecordOpt = False,
    out: Annotated[Optional[Path], typer.Option(help="Write a sheet, the format by extension: .md .tex .json .txt .html .pdf .apkg (Anki) .xml (Moodle), or an answer file (.toml).")] = None,
    list_steps: Annotated[bool, typer.Option("--list-steps", help="Show the type's step ids, givens, variants and mistakes.")] = False,
    fmt: FormatOpt = None,
) -> None:
    """Generate randomized, reproducible exercises (ids TOPIC@SEED); --key adds the worked solutions."""
    given = cl.typed_options(ctx)
    doc = problems.practice(topic, topics=topics_, seed=seed, count=count, difficulty=difficulty.value if "difficulty" in given else None,
                            variant=cl.variant(variant, solve_weights), solutions=practice_cli.sheet_has_keys(given, out, key_out, count),
                            steps=list_steps, tries=tries, record=not no_record, focus=focus, **practice_cli.prompt(interactive, given))
    practice_cli.show(doc, out, key_out, fmt)


@app.command("check")
def check_command(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(help="Problem type, exercise id TOPIC@SEED, a .toml file, 'diff' or 'derivation'.")],
    file: Annotated[Optional[Path], typer.Argument(help="A TOML file with [givens] and [answers]; for derivation the derivation file (- for stdin).")] = None,
    seed: SeedOpt = None,
    difficulty: Annotated[Difficulty, typer.Option(help="Difficulty the exercise was generated with.")] = Difficulty.exam,
    variant: VariantOpt = None,
    solve_weights: SolveWeightsOpt = False,
    given_items: Annotated[Optional[list[str]], typer.Option("--given", "-g", help="KEY=VALUE, repeatable (numbers, fractions, exp(-0.5), [[…],[…]]).")] = None,
    answer: Annotated[Optional[list[str]], typer.Option("--answer", "-a", help="STEP=VALUE, repeatable (for diff: the derivative).")] = None,
    interactive: Annotated[bool, typer.Option("--interactive", "-i", help="Enter the answers step by step.")] = False,
    reveal: Annotated[bool, typer.Option("--reveal", help="Show the expected values of the steps left blank too.")] = False,
    tries: TriesOpt = 3,
    no_record: NoRecordOpt = False,
    f: Annotated[Optional[str], typer.Option("--f", "-f", help="check diff: the function, e.g. 'tanh(w*x+b)'.")] = None,
    wrt: Annotated[Optional[str], typer.Option(help="check diff: the variable to differentiate by (optional when the function has one).")] = None,
    fmt: FormatOpt = None,
) -> int | None:
    """Check a hand calculation step by step: correct, rounded, follow-through, incorrect, missing.

    Exits 0 when every answered step is correct, rounded or follow-through, 1 when any is
    incorrect (as linters do), 2 for bad input. check diff exits 0 when the derivative is
    equivalent, 1 when it is not, 2 for bad input or when it cannot be decided in time; check
    derivation FILE (a hand derivation, docs/derivations/) likewise: 0 every line equivalent to
    the one before, 1 a line is not.
    """
    given = cl.typed_options(ctx)
    exercise = dict(seed=seed, difficulty=difficulty.value if "difficulty" in given else None, variant=cl.variant(variant, solve_weights),
                    givens=cl.given_values(given_items), reveal=reveal, tries=tries, record=not no_record, **practice_cli.prompt(interactive, given))
    return check_cli.run(target, given, fmt, file=file, f=f, wrt=wrt, answers=answer, exercise=exercise)


@app.command("progress")
def progress_command(
    plot: Annotated[Optional[Path], typer.Option(help="Draw accuracy over time to this PNG.")] = None,
    export: Annotated[Optional[Path], typer.Option(help="Write the whole history to this JSON file.")] = None,
    import_: Annotated[Optional[Path], typer.Option("--import", help="Add the attempts of an exported JSON file (never twice).")] = None,
    fmt: FormatOpt = None,
) -> None:
    """What the progress store says, per type: attempts, accuracy and trend, last seen, frequent mistakes."""
    cl.show(problems.progress(plot, export, import_), fmt)


@app.command("review")
def review_command(
    ctx: typer.Context,
    count: Annotated[int, typer.Option(help="Exercises to review (1 to 50).")] = 3,
    topics: Annotated[Optional[str], typer.Option(help="Only these types, comma-separated.")] = None,
    interactive: Annotated[bool, typer.Option("--interactive", "-i", help="Solve them here, step by step.")] = False,
    tries: TriesOpt = 3,
    no_record: NoRecordOpt = False,
    fmt: FormatOpt = None,
) -> None:
    """The next exercises by spaced repetition (fsrs) over the steps you got wrong: due and weakest first."""
    prompt = practice_cli.prompt(interactive, cl.typed_options(ctx))
    cl.show(problems.review(count, topics, tries=tries, record=not no_record, **prompt), fmt)


# --- entry point -----------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app and exit (0 done, 1 a check or run failed, 2 bad input, 130 aborted)."""
    cl.run(lambda: _invoke(argv))


def _invoke(argv: list[str] | None) -> int:
    """The app's exit status; click's own outcomes become a status, a UserError or an interrupt."""
    try:
        rv = typer.main.get_command(app).main(args=argv, prog_name="chainrule", standalone_mode=False)
    except click.UsageError as exc:
        raise UserError(exc.format_message(), exc.ctx.command_path if exc.ctx is not None else None) from None
    except typer.Abort:
        raise KeyboardInterrupt from None
    except typer.Exit as exc:
        return int(exc.exit_code)
    if rv == cl.EXIT_INTERRUPTED:  # typer turns Ctrl-C into a silent status 130; no command returns it
        raise KeyboardInterrupt
    return rv if isinstance(rv, int) else cl.EXIT_OK


_AS_PROGRAM = False  # set by console(): a one-command process, where verify's torch worker pays off


def console() -> None:
    """``chainrule`` as a program: :func:`main`, ended without interpreter teardown (``cl.run_program``);
    ``verify`` imports torch in a worker process meanwhile (``derive.torch_remote``)."""
    global _AS_PROGRAM
    _AS_PROGRAM = True
    cl.run_program(main)


if __name__ == "__main__":
    console()
