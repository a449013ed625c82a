"""Mutation testing of the checking core: do the tests notice a wrong comparison, bound or branch?

    python bench/mutation.py                       # every module below, its own test files
    python bench/mutation.py problems/compare.py   # one module
    python bench/mutation.py --list derive/parse.py   # the mutants only, nothing run

Each mutant is one small change to one module's syntax tree: a comparison flipped (``<`` ↔ ``<=``,
``==`` ↔ ``!=``, ``in`` ↔ ``not in``, ``is`` ↔ ``is not``), an arithmetic operator swapped
(``+`` ↔ ``-``, ``*`` ↔ ``/``, ``**`` → ``*``), ``and`` ↔ ``or``, a ``not`` or unary minus
dropped, a whole number ±1, a float halved or doubled, ``True`` ↔ ``False``, ``max`` ↔ ``min``,
``any`` ↔ ``all``, or a statement (``raise``, a call, ``x += …``, ``continue``/``break``, or an
assignment to a name already bound, i.e. a stage of a pipeline skipped) removed.
Docstrings, f-strings (messages), annotations and ``TYPE_CHECKING`` blocks are left alone.

The runner imports pytest and the heavy libraries once and traces one run of the unmutated
module to learn which tests run which lines. Then it forks one child per mutant (at ``nice`` 10;
``--jobs`` children at a time); the child serves the mutated source for the module (an import
hook: the file on disk is never changed) and runs, with ``-x`` and fastest first, the tests that
run the mutated statement (every test for a line run only at import, such as a module constant;
a line no test runs is a survivor without a run), each hypothesis property at most MAX_EXAMPLES
examples. A mutant is *killed* when the tests fail
(or exceed the time limit: a mutant that loops forever counts as killed); else it *survives*.
Prints killed/total per module and every survivor with its line. Run on demand, not in CI:
it is CPU-heavy (``nice -n 10``); every survivor is explained in docs/testing.md.
"""

from __future__ import annotations

import argparse
import ast
import copy
import importlib.abc
import importlib.util
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# module file → the test files that speak for it (kept small: each mutant runs them all)
MODULES = {
    "derive/parse.py": ["tests/test_parse.py", "tests/derive/test_derivation_check.py",
                        "tests/test_docstring_examples.py"],
    "problems/compare.py": ["tests/problems/test_compare_edges.py", "tests/problems/test_compare.py",
                            "tests/problems/test_plain_rounding.py", "tests/test_docstring_examples.py"],
    "problems/marking.py": ["tests/problems/test_marking.py", "tests/problems/test_checking.py"],
    "problems/checking.py": ["tests/problems/test_checking.py", "tests/problems/test_check_pipeline.py"],
}

_COMPARE_SWAP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
                 ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}
_BINOP_SWAP = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.Pow: ast.Mult,
               ast.FloorDiv: ast.Div}
_NAME_SWAP = {"max": "min", "min": "max", "any": "all", "all": "any"}
_SYMBOL = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=", ast.In: "in",
           ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not", ast.Add: "+", ast.Sub: "-", ast.Mult: "*",
           ast.Div: "/", ast.Pow: "**", ast.FloorDiv: "//", ast.And: "and", ast.Or: "or"}


@dataclass(frozen=True)
class Mutant:
    """One change: its number in the module, the line, what was changed and the lines of the
    statement it sits in (the tests that run any of them are the ones that can notice it)."""

    index: int
    line: int
    what: str
    lines: tuple[int, int] = (0, 0)


class _Mutator(ast.NodeTransformer):
    """Walks a module numbering every possible change; applies the one numbered ``target``."""

    def __init__(self, target: int = -1):
        self.target, self.count, self.found, self.statements = target, 0, [], []

    def _site(self, node: ast.AST, what: str) -> bool:
        """Register a mutation site; True when it is the one to apply."""
        hit = self.count == self.target
        line = getattr(node, "lineno", 0)
        stmt = self.statements[-1] if self.statements else node
        span = (getattr(stmt, "lineno", line), getattr(stmt, "end_lineno", line) or line)
        if isinstance(stmt, (ast.If, ast.For, ast.While, ast.With, ast.Try, ast.FunctionDef, ast.ClassDef)):
            span = (line, getattr(node, "end_lineno", line) or line)  # a header, not the whole body
        self.found.append(Mutant(self.count, line, what, span))
        self.count += 1
        return hit

    def visit(self, node: ast.AST) -> ast.AST:
        if isinstance(node, ast.stmt):
            self.statements.append(node)
            try:
                return super().visit(node)
            finally:
                self.statements.pop()
        return super().visit(node)

    # --- parts never mutated ---------------------------------------------------------------
    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        return node  # messages: a changed number in an f-string is not a behaviour

    def visit_If(self, node: ast.If) -> ast.AST:
        if isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            return node
        if isinstance(node.test, ast.Compare) and isinstance(node.test.left, ast.Name) and node.test.left.id == "__name__":
            return node
        return self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        outer, self.bound = getattr(self, "bound", set()), {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)}
        node.decorator_list = [self.visit(d) for d in node.decorator_list]
        node.args.defaults = [self.visit(d) for d in node.args.defaults]
        node.args.kw_defaults = [self.visit(d) if d is not None else None for d in node.args.kw_defaults]
        node.body = self._body(node.body)
        self.bound = outer
        return node

    def _body(self, body: list[ast.stmt]) -> list[ast.stmt]:
        start = 1 if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str) else 0  # the docstring stays
        out = body[:start]
        bound = getattr(self, "bound", set())
        for stmt in body[start:]:
            target = stmt.targets[0].id if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
                and isinstance(stmt.targets[0], ast.Name) else None
            removable = isinstance(stmt, (ast.Raise, ast.AugAssign, ast.Continue, ast.Break)) or (
                isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)) or (target in bound)  # a stage skipped
            if target:
                bound.add(target)
            if removable and self._site(stmt, f"remove `{ast.unparse(stmt)[:60]}`"):
                out.append(ast.copy_location(ast.Pass(), stmt))
                continue
            new = self.visit(stmt)
            out.extend(new if isinstance(new, list) else [new] if new is not None else [])
        return out

    def generic_visit(self, node: ast.AST) -> ast.AST:
        for field, value in ast.iter_fields(node):
            if field in ("annotation", "returns", "type_comment"):
                continue
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                setattr(node, field, self._body(value))
            elif isinstance(value, list):
                setattr(node, field, [self.visit(v) if isinstance(v, ast.AST) else v for v in value])
            elif isinstance(value, ast.AST):
                setattr(node, field, self.visit(value))
        return node

    def visit_Module(self, node: ast.Module) -> ast.AST:
        node.body = self._body(node.body)
        return node

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST:
        if node.value is not None:
            node.value = self.visit(node.value)
        return node

    # --- the mutations ----------------------------------------------------------------------
    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        for i, op in enumerate(node.ops):
            new = _COMPARE_SWAP.get(type(op))
            if new and self._site(node, f"`{_SYMBOL[type(op)]}` → `{_SYMBOL[new]}` in `{ast.unparse(node)[:60]}`"):
                node.ops[i] = new()
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        new = _BINOP_SWAP.get(type(node.op))
        if new and self._site(node, f"`{_SYMBOL[type(node.op)]}` → `{_SYMBOL[new]}` in `{ast.unparse(node)[:60]}`"):
            node.op = new()
        return node

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        self.generic_visit(node)
        new = _BINOP_SWAP.get(type(node.op))
        if new and self._site(node, f"`{_SYMBOL[type(node.op)]}=` → `{_SYMBOL[new]}=` in `{ast.unparse(node)[:60]}`"):
            node.op = new()
        return node

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        self.generic_visit(node)
        new = ast.Or if isinstance(node.op, ast.And) else ast.And
        if self._site(node, f"`{_SYMBOL[type(node.op)]}` → `{_SYMBOL[new]}` in `{ast.unparse(node)[:60]}`"):
            node.op = new()
        return node

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, (ast.Not, ast.USub)) and self._site(node, f"drop `{'not' if isinstance(node.op, ast.Not) else '-'}` in `{ast.unparse(node)[:60]}`"):
            return node.operand
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        v = node.value
        if isinstance(v, bool):
            if self._site(node, f"`{v}` → `{not v}`"):
                return ast.copy_location(ast.Constant(not v), node)
        elif isinstance(v, int):
            for new in (v + 1, v - 1):
                if self._site(node, f"`{v}` → `{new}`"):
                    return ast.copy_location(ast.Constant(new), node)
        elif isinstance(v, float):
            for new in ((v * 2, v / 2) if v else (1.0,)):
                if self._site(node, f"`{v!r}` → `{new!r}`"):
                    return ast.copy_location(ast.Constant(new), node)
        return node

    def visit_Name(self, node: ast.Name) -> ast.AST:
        new = _NAME_SWAP.get(node.id)
        if new and isinstance(node.ctx, ast.Load) and self._site(node, f"`{node.id}` → `{new}`"):
            return ast.copy_location(ast.Name(new, node.ctx), node)
        return node


def mutants(source: str) -> list[Mutant]:
    """Every mutant of ``source``, numbered in walking order."""
    m = _Mutator()
    m.visit(ast.parse(source))
    return m.found


def mutated(source: str, index: int) -> str:
    """``source`` with mutant ``index`` applied."""
    tree = _Mutator(index).visit(copy.deepcopy(ast.parse(source)))
    return ast.unparse(ast.fix_missing_locations(tree))


class _Serve(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves ``source`` as module ``name`` (from ``path``) instead of the file on disk."""

    def __init__(self, name: str, path: Path, source: str):
        self.name, self.path, self.source = name, path, source

    def find_spec(self, fullname, path=None, target=None):  # noqa: D102 (importlib protocol)
        if fullname != self.name:
            return None
        return importlib.util.spec_from_loader(fullname, self, origin=str(self.path))

    def create_module(self, spec):  # noqa: D102
        return None

    def exec_module(self, module):  # noqa: D102
        module.__file__ = str(self.path)
        exec(compile(self.source, str(self.path), "exec"), module.__dict__)


class _LinesPerTest:
    """A pytest plugin: which lines of one file each test runs (``sys.settrace``), and the lines
    run outside any test (module level, at import)."""

    def __init__(self, path: Path):
        self.path, self.current, self.by_test, self.outside, self.seconds = str(path), set(), {}, set(), {}

    def _local(self, frame, event, arg):
        if event == "line":
            self.current.add(frame.f_lineno)
        return self._local

    def _global(self, frame, event, arg):
        if frame.f_code.co_filename == self.path:
            self.current.add(frame.f_lineno)
            return self._local
        return None

    def start(self) -> None:
        import threading
        sys.settrace(self._global)
        threading.settrace(self._global)

    def pytest_runtest_protocol(self, item, nextitem):  # noqa: D102 (pytest hook)
        self.outside |= self.current
        self.current = set()

    def pytest_runtest_logreport(self, report):  # noqa: D102 (pytest hook)
        self.seconds[report.nodeid] = self.seconds.get(report.nodeid, 0.0) + report.duration

    def pytest_runtest_logfinish(self, nodeid, location):  # noqa: D102 (pytest hook)
        self.by_test[nodeid] = self.by_test.get(nodeid, set()) | self.current
        self.current = set()


def coverage_map(module_file: str, tests: list[str]) -> tuple[dict[str, set[int]], set[int], bool]:
    """({test id: lines of the module it runs}, lines run outside tests, the tests passed), from
    one traced run of the unmutated module in a child (the result comes back through a pipe)."""
    import json
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.nice(10)
        plugin = _LinesPerTest(ROOT / module_file)
        plugin.start()
        import pytest
        code = pytest.main([*tests, "-q", "-p", "no:cacheprovider", "-W", "ignore"], plugins=[plugin])
        sys.settrace(None)
        order = sorted(plugin.by_test, key=lambda k: plugin.seconds.get(k, 0.0))  # fastest first
        data = json.dumps({"by_test": {k: sorted(plugin.by_test[k]) for k in order},
                           "outside": sorted(plugin.outside | plugin.current), "ok": int(code) == 0})
        with os.fdopen(write, "w") as f:
            f.write(data)
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as f:
        data = json.loads(f.read() or "{}")
    os.waitpid(pid, 0)
    if not data:
        raise SystemExit(f"{module_file}: the traced run of the tests failed")
    return {k: set(v) for k, v in data["by_test"].items()}, set(data["outside"]), data["ok"]


def tests_for(m: Mutant, by_test: dict[str, set[int]], outside: set[int]) -> list[str]:
    """The tests that run the mutant's statement, fastest first (a killing test then ends the run
    early); every test for a line run only at import (a module constant is read by whatever uses
    it); none when no test runs it."""
    span = set(range(m.lines[0], m.lines[1] + 1))
    chosen = [t for t, lines in by_test.items() if lines & span]
    return chosen or (list(by_test) if span & outside else [])


def _start(module_file: str, source: str | None, tests: list[str]) -> int:
    """Fork a child that imports ``source`` as the module and runs ``tests``; its pid."""
    pid = os.fork()
    if pid:
        return pid
    try:  # the child: never returns
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.nice(10)
        if source is not None:
            name = module_file.removesuffix(".py").replace("/", ".")
            sys.meta_path.insert(0, _Serve(name, ROOT / module_file, source))
        _cap_hypothesis(MAX_EXAMPLES)
        import pytest
        code = pytest.main([*tests, "-x", "-q", "-p", "no:cacheprovider", "--no-header", "-W", "ignore"])
        os._exit(int(code))
    except BaseException:
        os._exit(99)


MAX_EXAMPLES = 40  # hypothesis examples per property test in a mutant's run (the suite asks for up to 200)


def _cap_hypothesis(limit: int) -> None:
    """Every ``@settings(max_examples=N)`` of the tests runs at most ``limit`` examples here."""
    import hypothesis
    original = hypothesis.settings.__init__

    def capped(self, *args, **kw):
        if "max_examples" in kw:
            kw["max_examples"] = min(kw["max_examples"], limit)
        original(self, *args, **kw)
    hypothesis.settings.__init__ = capped


def _run_all(module_file: str, jobs: list[tuple[Mutant | None, str | None, list[str]]], limit: float,
             parallel: int, report) -> None:
    """Run every (mutant, source, tests) job, at most ``parallel`` children at a time;
    ``report(mutant, passed, seconds)``."""
    waiting, running = list(jobs), {}
    while waiting or running:
        while waiting and len(running) < parallel:
            mutant, source, tests = waiting.pop(0)
            running[_start(module_file, source, tests)] = (mutant, time.monotonic())
        time.sleep(0.05)
        for pid, (mutant, started) in list(running.items()):
            done, status = os.waitpid(pid, os.WNOHANG)
            took = time.monotonic() - started
            if not done and took > limit:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                done, status = pid, 1 << 8  # a mutant that hangs is killed by the time limit
            if done:
                del running[pid]
                code = os.waitstatus_to_exitcode(status)
                if code in (4, 5):  # pytest could not find the tests asked for: not a kill
                    print(f"  runner error (pytest exit {code}) on mutant {getattr(mutant, 'index', None)}: counted as a survivor",
                          flush=True)
                report(mutant, code in (0, 4, 5), took)


def run_module(module_file: str, tests: list[str], only: list[int] | None = None,
               parallel: int = 1) -> tuple[int, int, list[Mutant]]:
    """(killed, total, survivors) for one module."""
    source = (ROOT / module_file).read_text(encoding="utf-8")
    base: list[tuple[bool, float]] = []
    _run_all(module_file, [(None, None, tests)], 900, 1, lambda m, ok, took: base.append((ok, took)))
    if not base[0][0]:
        raise SystemExit(f"{module_file}: the tests fail without any mutant ({' '.join(tests)})")
    by_test, outside, _ = coverage_map(module_file, tests)
    limit = 3 * base[0][1] + 30
    found = mutants(source)
    if only:
        found = [m for m in found if m.index in only]
    survivors: list[Mutant] = []
    print(f"{module_file}: {len(found)} mutants, tests {' '.join(tests)} ({base[0][1]:.1f} s unmutated, "
          f"{len(by_test)} tests traced)", flush=True)
    seen = [0]

    def report(m: Mutant, passed: bool, took: float, note: str = "") -> None:
        seen[0] += 1
        if passed:
            survivors.append(m)
        note = note or f", {counts.get(m.index, 0)} tests"
        print(f"  [{seen[0]}/{len(found)}] #{m.index} line {m.line}: {'SURVIVED' if passed else 'killed'} "
              f"({took:.1f} s{note}) {m.what}", flush=True)
    jobs, counts = [], {}
    for m in found:
        chosen = tests_for(m, by_test, outside)
        if chosen:
            jobs.append((m, mutated(source, m.index), chosen))
            counts[m.index] = len(chosen)
        else:
            report(m, True, 0.0, ", no test runs this line")
    _run_all(module_file, jobs, limit, parallel, report)
    survivors.sort(key=lambda m: m.index)
    return len(found) - len(survivors), len(found), survivors


def main(argv: list[str] | None = None) -> int:
    """Run the mutants of the chosen modules (all by default) and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("modules", nargs="*", help=f"module files (default: {', '.join(MODULES)})")
    ap.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    ap.add_argument("--only", type=int, nargs="*", help="only these mutant numbers")
    ap.add_argument("--jobs", type=int, default=1, help="children at a time (default 1; the machine is shared)")
    args = ap.parse_args(argv)
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    chosen = args.modules or list(MODULES)
    if args.list:
        for f in chosen:
            for m in mutants((ROOT / f).read_text(encoding="utf-8")):
                print(f"{f}:{m.line} #{m.index} {m.what}")
        return 0
    import hypothesis  # noqa: F401  imported once, before the forks
    import numpy  # noqa: F401
    import pytest  # noqa: F401
    import sympy  # noqa: F401
    results = {}
    for f in chosen:
        results[f] = run_module(f, MODULES[f], args.only, args.jobs)
    print("\nmodule                 killed/total   score")
    for f, (killed, total, _) in results.items():
        print(f"{f:<22} {killed:>6}/{total:<6} {100 * killed / max(total, 1):6.1f} %")
    for f, (_, _, survivors) in results.items():
        for m in survivors:
            print(f"survivor {f}:{m.line} #{m.index} {m.what}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
