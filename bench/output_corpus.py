"""A fixed corpus of chainrule commands whose output must not change across a refactoring.

    python bench/output_corpus.py record DIR     # run every command, store its output in DIR
    python bench/output_corpus.py compare DIR    # run again, report every command whose bytes differ

The corpus: every derive topic (text and JSON, symbolic and with --seed), verify of every topic
(JSON), practice of every problem type (text and JSON, fixed seed), a check of every problem type
(first step answered right, second answered wrong, the rest blank; text and JSON), train xor in
JSON, and a handful of bad inputs (exit code and the one-line error). Commands run as separate
processes, as a user runs them, with no terminal (so the text format is chosen).

Not a test: a refactoring that must keep behaviour (issue 10) runs `record` before and `compare`
after. Changes that are meant to alter output re-record the corpus.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STORE_HOME = tempfile.mkdtemp(prefix="chainrule-corpus-")  # the checks' attempts never reach the user's progress store
BAD_INPUTS = [
    ["derive", "nosuchtopic"],
    ["derive", "mlp", "--hidden", "99"],
    ["check", "som", "--given", "x==1"],
    ["check", "diff", "--f", "__import__('os')", "--wrt", "x", "--answer", "1"],
    ["practice", "som@x"],
    ["train", "xor", "--device", "cuda"],
    ["check", "som@3", "--answer", "nosuchstep=1"],
    ["practice", "ttest", "--variant", "nope"],
    ["verify", "mlp", "--set", "nosuch=1"],
    ["check", "/nonexistent.toml"],
]


def _run(args: list[str]) -> dict[str, object]:
    env = dict(os.environ, COLUMNS="100", NO_COLOR="1", PYTHONHASHSEED="0", CHAINRULE_HOME=STORE_HOME)
    proc = subprocess.run([sys.executable, "-c", "import cli; cli.main()", *args], cwd=ROOT, env=env,
                          capture_output=True, timeout=600)
    return {"args": args, "rc": proc.returncode, "stdout": proc.stdout.decode("utf-8", "replace"),
            "stderr": proc.stderr.decode("utf-8", "replace")}


def _names(kind: str) -> list[str]:
    out = _run(["topics", "--format", "json"])
    doc = json.loads(str(out["stdout"]))
    key = next(k for k in doc if k.startswith(kind))
    return [row["name"] for row in doc[key]]


def _check_args(name: str) -> list[list[str]]:
    doc = json.loads(str(_run(["practice", f"{name}@3", "--key", "--format", "json"])["stdout"]))
    steps = doc["steps"]
    answers = []
    if steps:
        answers += ["--answer", f"{steps[0]['id']}={json.dumps(steps[0]['value'])}"]
    if len(steps) > 1:
        wrong = steps[1]["value"]
        wrong = "[[9]]" if isinstance(wrong, list) else ("9" if not isinstance(wrong, str) else "nonsense-word")
        answers += ["--answer", f"{steps[1]['id']}={wrong}"]
    return [["check", f"{name}@3", *answers], ["check", f"{name}@3", *answers, "--format", "json"]]


def corpus() -> list[list[str]]:
    """Every command line of the corpus, in a fixed order."""
    cmds: list[list[str]] = []
    for t in _names("derive"):
        cmds += [["derive", t, "--format", "text"], ["derive", t, "--format", "json"],
                 ["derive", t, "--seed", "1", "--format", "json"], ["verify", t, "--format", "json"]]
    for p in _names("practice"):
        cmds += [["practice", p, "--seed", "3", "--format", "text"], ["practice", p, "--seed", "3", "--format", "json"]]
        cmds += _check_args(p)
    cmds += [["train", "xor", "--format", "json"], ["topics", "--format", "text"]]
    cmds += BAD_INPUTS
    return cmds


def _key(args: list[str]) -> str:
    return hashlib.sha256("\0".join(args).encode()).hexdigest()[:16]


def record(folder: Path) -> None:
    """Run the corpus and store each command's exit code, stdout and stderr in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    cmds = corpus()
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(_run, cmds))
    for res in results:
        (folder / f"{_key(res['args'])}.json").write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")
    (folder / "index.json").write_text(json.dumps([r["args"] for r in results], indent=1), encoding="utf-8")
    print(f"recorded {len(results)} commands in {folder}")


def compare(folder: Path) -> int:
    """Re-run the recorded commands; print each whose exit code or bytes differ; 0 when none."""
    cmds = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(_run, cmds))
    changed = 0
    for res in results:
        old = json.loads((folder / f"{_key(res['args'])}.json").read_text(encoding="utf-8"))
        diffs = [k for k in ("rc", "stdout", "stderr") if old[k] != res[k]]
        if diffs:
            changed += 1
            print(f"CHANGED ({', '.join(diffs)}): chainrule {' '.join(res['args'])}")
    print(f"{len(results) - changed} of {len(results)} commands byte-identical")
    return 1 if changed else 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("record", "compare"):
        sys.exit(__doc__)
    folder = Path(sys.argv[2])
    sys.exit(record(folder) if sys.argv[1] == "record" else compare(folder))
