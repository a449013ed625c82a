"""Hostile command lines for ``train`` and ``verify`` (issue 12 items 5, 6 and 12): options past
their bounds through ``--set``, configurations whose memory or work is beyond the budget, a text
with 20,000 distinct characters, hostile ``--load`` files (zip bombs, forged headers, manifests of
the wrong type), and verifications past their time bound. Every one ends in ≤ 5 s with exit 0 or 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from tests.hostile.harness import Case
from tests.numeric import npz_files as nf

REFUSED = (2,)
OK = (0,)


def npz(name: str, **members: bytes) -> Callable[[Path], None]:
    """A setup writing a valid xor parameter file to ``name`` with ``members`` replaced or added."""
    return lambda tmp: nf.npz(tmp / name, {**nf.xor_members(), **members})


def wide_text(tmp: Path) -> None:
    """120 KB of text holding 20,000 distinct characters (issue 12 item 5)."""
    rng = np.random.default_rng(0)
    common = [chr(c) for c in range(0x4E00, 0x4E00 + 300)]
    text = "".join(chr(0x4E00 + i) for i in range(20_000)) + "".join(rng.choice(common, 20_000))
    (tmp / "wide.txt").write_text(text, encoding="utf-8")


def lstm_file(vocab: object) -> Callable[[Path], None]:
    """An lstm parameter file whose manifest's vocabulary is ``vocab``."""
    manifest = {"model": "lstm", "shapes": {}, "config": {"data": "text", "vocab": vocab}}
    return lambda tmp: nf.npz(tmp / "l.npz", {"__manifest__": nf.manifest_bytes(manifest)})


CASES: list[Case] = []

# --- item 5: --set takes the bounds of the named option; values of the wrong kind -----------------
for key, value in (("lr", "1e10"), ("lr", "-1"), ("lr", "nan"), ("lr", "inf"), ("epochs", "100000000000"),
                   ("epochs", "-1"), ("epochs", "2.5"), ("steps", "100000000"), ("batch_size", "1000000"),
                   ("hidden", "1000000"), ("hidden", "abc"), ("hidden", "[1,2]")):
    CASES.append(Case(f"set-{key}-{value}", ["train", "attention", "--set", f"{key}={value}"], rc=REFUSED,
                      stderr_match=f"--{key.replace('_', '-')}: expected"))
for model, item in (("attention", "vocab=100000000"), ("attention", "vocab=1"), ("attention", "length=100000"),
                    ("attention", "heads=0"), ("lstm", "train_size=1000000000"), ("lstm", "seq_len=1000000"),
                    ("lstm", "embed=100000"), ("lstm", "sample_len=1000000000"), ("lstm", "temperature=-1"),
                    ("lstm", "clip=1e400"), ("som", "rows=0"), ("som", "cols=100000"), ("som", "sigma=-1"),
                    ("gan", "noise=2.5"), ("gan", "noise=100000"), ("vae", "latent=0"), ("vae", "beta=1e400"),
                    ("autoencoder", "code=100000"), ("cnn", "channels=100000"), ("mlp", "weight_decay=-1")):
    key = item.split("=")[0]
    CASES.append(Case(f"set-{model}-{item}", ["train", model, "--set", item], rc=REFUSED,
                      stderr_match=f"--set {key}: expected"))

# --- item 5: memory and work estimated before allocating ------------------------------------------
for name, args, arg in (
    ("gan-hidden-max", ["train", "gan", "--hidden", "100000"], "--hidden"),
    ("attention-vocab-memory", ["train", "attention", "--set", "vocab=100000"], "--set vocab"),
    ("attention-test-size-memory", ["train", "attention", "--set", "test_size=1000000", "--set", "length=512"], "--set test_size"),
    ("som-1500-by-1500", ["train", "som", "--set", "rows=1500", "--set", "cols=1500"], "--set rows"),
    ("som-1-by-10000", ["train", "som", "--set", "rows=1", "--set", "cols=10000"], "--set cols"),
    ("lstm-train-size-work", ["train", "lstm", "--set", "train_size=1000000"], "--set train_size"),
    ("lstm-big-batch", ["train", "lstm", "--hidden", "4096", "--batch-size", "100000"], "--(hidden|batch-size)"),
    ("mlp-epochs-max", ["train", "mlp", "--epochs", "1000000"], "--epochs"),
    ("cnn-wide", ["train", "cnn", "--hidden", "100000", "--set", "channels=512"], "--hidden"),
    ("vae-wide", ["train", "vae", "--hidden", "100000", "--set", "latent=4096"], "--(hidden|set latent)"),
    ("gan-steps-max", ["train", "gan", "--steps", "10000000", "--batch-size", "100000"], "--steps"),
    ("rnn-steps-max", ["train", "rnn", "--steps", "10000000"], "--steps"),
    ("xor-epochs-via-set", ["train", "xor", "--set", "epochs=100000000000"], "--epochs"),
):
    CASES.append(Case(name, args, rc=REFUSED, stderr_match=f"{arg}: "))
CASES += [
    Case("memory-budget-junk", ["train", "xor"], env={"CHAINRULE_MEMORY_BUDGET": "lots"}, rc=REFUSED,
         stderr_match="CHAINRULE_MEMORY_BUDGET: expected"),
    Case("work-budget-tiny", ["train", "xor"], env={"CHAINRULE_WORK_BUDGET": "1"}, rc=REFUSED, stderr_match="--epochs: training xor"),
    Case("memory-budget-tiny", ["train", "som"], env={"CHAINRULE_MEMORY_BUDGET": "1k"}, rc=REFUSED, stderr_match="--set rows: training som"),
    Case("set-epochs-integral-float", ["train", "xor", "--set", "epochs=1e2"], rc=OK),
    # a bound with one side says that side only (it printed "expected a value in [1, None]")
    Case("xor-epochs-zero", ["train", "xor", "--epochs", "0"], rc=REFUSED, stderr_match=r"--epochs: expected at least 1, got 0$"),
    Case("lstm-text-20000-distinct", ["train", "lstm", "--text", "{tmp}/wide.txt", "--steps", "2", "--hidden", "8"], setup=wide_text, rc=OK,
         stdout_match="read as the unknown symbol"),
]

# --- item 6: --load files checked from their headers before decompressing ------------------------
LOADS = {
    "zip-bomb": (lambda tmp: nf.zip_bomb(tmp / "p.npz"), "zip bomb"),
    "npy-claims-1e12": (lambda tmp: nf.single_npy(tmp / "p.npz"), "single .npy"),
    "member-claims-1e12": (lambda tmp: nf.forged_size(tmp / "p.npz"), "forged"),
    "manifest-list": (npz("p.npz", __manifest__=nf.manifest_bytes([1, 2])), "JSON object"),
    "manifest-config-5": (npz("p.npz", __manifest__=nf.manifest_bytes({"model": "xor", "config": 5})), "'config'"),
    "manifest-number": (npz("p.npz", __manifest__=nf.manifest_bytes(5)), "JSON object"),
    "manifest-deep": (npz("p.npz", __manifest__=nf.manifest_bytes(b"[" * 100_000)), "not JSON"),
    "manifest-float32": (npz("p.npz", __manifest__=nf.npy_bytes(np.zeros(3, dtype=np.float32))), "manifest"),
    "manifest-missing": (lambda tmp: nf.npz(tmp / "p.npz", {"W1": nf.npy_bytes(np.zeros((2, 8)))}), "no manifest"),
    "string-parameters": (npz("p.npz", W1=nf.npy_bytes(np.array([["a"] * 8] * 2))), "expected numbers"),
    "object-parameters": (npz("p.npz", W1=nf.npy_header((2, 8), "|O") + bytes(128)), "expected numbers"),
    "giant-header": (npz("p.npz", W1=nf.npy_header((2, 8), version=2, pad_to=1_000_000) + bytes(128)), "header of"),
    "header-garbage": (npz("p.npz", W1=b"\x93NUMPY\x01\x00\x10\x00{'descr': 1+1}   \n" + bytes(128)), "header"),
    "not-npy-member": (npz("p.npz", W1=b"hello"), "not a .npy"),
    "many-members": (npz("p.npz", **{f"x{i}": nf.npy_bytes(np.zeros(1)) for i in range(1001)}), "at most 1000"),
    "wrong-shape": (lambda tmp: nf.npz(tmp / "p.npz", nf.xor_members(hidden=9)), "shape"),
    "negative-shape": (npz("p.npz", W1=nf.npy_header((-2, 8)) + bytes(128)), "shape"),
    "truncated-zip": (lambda tmp: (tmp / "p.npz").write_bytes(b"PK\x03\x04" + bytes(40)), "unreadable"),
    "text-file": (lambda tmp: (tmp / "p.npz").write_text("hello"), "unreadable"),
}
for name, (setup, words) in LOADS.items():
    CASES.append(Case(f"load-{name}", ["train", "xor", "--load", "{tmp}/p.npz"], setup=setup, rc=REFUSED,
                      stderr_match=f"--load: .*{words}"))
CASES += [
    Case("load-lstm-vocab-too-large", ["train", "lstm", "--data", "text", "--load", "{tmp}/l.npz", "--set", "steps=0"],
         setup=lstm_file("".join(chr(0x4E00 + i) for i in range(1000))), rc=REFUSED, stderr_match="--load: .*vocabulary"),
    Case("load-lstm-vocab-number", ["train", "lstm", "--data", "text", "--load", "{tmp}/l.npz", "--set", "steps=0"],
         setup=lstm_file(5), rc=REFUSED, stderr_match="--load: .*vocabulary"),
]

# --- item 12: verifications past their time bound are refused at once ----------------------------
CASES += [
    Case("verify-mlp-50-layers-100-points", ["verify", "mlp", "--matrix", "--layers", "50", "--points", "100"], rc=REFUSED,
         stderr_match="--points: verification too large"),
    Case("verify-mlp-widest", ["verify", "mlp", "--matrix", "--layers", "50", "--hidden", "16", "--inputs", "16",
                               "--outputs", "16", "--points", "1"], rc=REFUSED, stderr_match="smaller configuration"),
    Case("verify-lstm-100-steps", ["verify", "lstm", "--steps", "100", "--points", "100"], rc=REFUSED, stderr_match="--steps: "),
    Case("verify-gru-41-steps", ["verify", "gru", "--steps", "41"], rc=REFUSED, stderr_match="--steps: "),
    Case("verify-lstm-wide-100-points", ["verify", "lstm", "--hidden", "16", "--inputs", "16", "--points", "100"], rc=REFUSED,
         stderr_match="--points: "),
]

# --- a diverging run: one line naming --lr, no RuntimeWarning from the layers on the way ----------
CASES += [
    Case("train-vae-diverges", ["train", "vae", "--epochs", "1", "--lr", "10"], rc=REFUSED, stderr_match=r"\A\S+ error: --lr: loss became"),
    Case("train-mlp-sgd-diverges", ["train", "mlp", "--epochs", "1", "--lr", "100", "--set", "optimizer=sgd", "--set", "activation=leaky_relu"],
         rc=REFUSED, stderr_match="--lr: loss became"),
]
