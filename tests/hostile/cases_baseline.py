"""Baseline hostile cases: bad names and options that were already handled (regression guard)."""

from tests.hostile.harness import Case

CASES = [
    Case("unknown-command", ["nosuchcommand"]),
    Case("unknown-topic", ["derive", "nosuchtopic"]),
    Case("unknown-model", ["train", "nosuchmodel"]),
    Case("unknown-type", ["practice", "nosuch"]),
    Case("hidden-over-max", ["derive", "mlp", "--hidden", "99"]),
    Case("code-in-given", ["check", "som", "--given", "x=__import__('os').system('true')"]),
    Case("code-in-diff", ["check", "diff", "--f", "__import__('os')", "--wrt", "x", "--answer", "1"]),
    Case("bad-exercise-id", ["practice", "som@x"]),
    Case("cuda-without-torch-backend", ["train", "xor", "--device", "cuda"]),
    Case("unknown-step", ["check", "som@3", "--answer", "nosuchstep=1"]),
    Case("unknown-variant", ["practice", "ttest", "--variant", "nope"]),
    Case("unknown-set-key", ["verify", "mlp", "--set", "nosuch=1"]),
    Case("missing-toml", ["check", "{tmp}/nonexistent.toml"]),
]
