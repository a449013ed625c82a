"""Issue 12 item 6: a ``--load`` file is checked from its zip directory and .npy headers before any
array is decompressed; hostile files end with exit 2 and one line naming --load."""

from __future__ import annotations

import json
import tracemalloc
import zipfile

import numpy as np
import pytest

import numeric
from derive.errors import UserError
from numeric import persist
from tests.conftest import run_cli
from tests.numeric import npz_files as nf


def _refused(path, model="xor", *extra):
    out = run_cli("train", model, "--load", str(path), "--epochs", "1", *extra)
    assert out.returncode == 2, out.stdout[-300:]
    assert out.stderr.startswith("chainrule: error: --load: ") and out.stderr.count("\n") == 1
    assert "Traceback" not in out.stderr
    return out.stderr


def test_a_valid_file_still_loads(tmp_path):
    path = nf.npz(tmp_path / "ok.npz", nf.xor_members())
    params, manifest = persist.load(path, "xor", {"W1": (2, 8), "b1": (8,), "W2": (8, 1), "b2": (1,)})
    assert manifest["model"] == "xor" and all(not v.any() for v in params.values())
    saved = tmp_path / "saved.npz"
    first = numeric.train("xor", {"epochs": 30}, save=saved)
    again = numeric.train("xor", {"epochs": 30}, load=saved)
    assert again.metrics["loss"] <= first.metrics["loss"] * 1.0001


def test_zip_bomb_refused_before_decompressing(tmp_path):
    path = nf.zip_bomb(tmp_path / "bomb.npz", megabytes=64)
    info = zipfile.ZipFile(path).getinfo("W1.npy")
    assert info.file_size > 500 * info.compress_size          # the builder's file is a bomb
    message = _refused(path)
    assert "zip bomb" in message and "W1.npy" in message
    ok = nf.npz(tmp_path / "ok.npz", nf.xor_members())
    peaks = []
    for target in (ok, path):                                   # reading the file costs the same in both
        tracemalloc.start()
        try:
            persist.load(target, "xor", {"W1": (2, 8)}, extra_ok=True)
        except UserError as exc:
            assert "zip bomb" in str(exc)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] < peaks[0] + 4 * 2**20                      # 64 MB were never inflated


def test_declared_sizes_above_the_memory_budget(tmp_path, monkeypatch):
    members = nf.xor_members()
    members["extra"] = nf.npy_bytes(np.zeros(300_000))          # 2.4 MB stored
    path = nf.npz(tmp_path / "big.npz", members)
    monkeypatch.setenv("CHAINRULE_MEMORY_BUDGET", "1MB")
    with pytest.raises(UserError, match="declare 2.29 MiB .more than the memory budget, 977 KiB") as err:
        persist.load(path, "xor", {"W1": (2, 8)}, extra_ok=True)
    assert err.value.arg == "--load"


@pytest.mark.parametrize(("name", "build", "words"), [
    ("forged", lambda p: nf.forged_size(p), "truncated or forged"),
    ("single-npy", lambda p: nf.single_npy(p.with_suffix(".npy")), "single .npy array"),
    ("manifest-list", lambda p: nf.npz(p, {**nf.xor_members(), "__manifest__": nf.manifest_bytes([1, 2])}), "got a list"),
    ("config-5", lambda p: nf.npz(p, {**nf.xor_members(), "__manifest__": nf.manifest_bytes({"model": "xor", "config": 5})}),
     "'config' must be a JSON object"),
    ("shapes-text", lambda p: nf.npz(p, {**nf.xor_members(), "__manifest__": nf.manifest_bytes({"model": "xor", "shapes": "x"})}),
     "'shapes' must be a JSON object"),
    ("string-parameters", lambda p: nf.npz(p, {**nf.xor_members(), "W1": nf.npy_bytes(np.array([["a"] * 8] * 2))}), "<U1 values"),
    ("giant-header", lambda p: nf.npz(p, {**nf.xor_members(), "W1": nf.npy_header((2, 8), version=2, pad_to=100_000) + bytes(128)}),
     "header of 100000 bytes"),
    ("deep-json", lambda p: nf.npz(p, {**nf.xor_members(), "__manifest__": nf.manifest_bytes(b"[" * 100_000 + b"]" * 100_000)}),
     "not JSON text"),
    ("not-utf8", lambda p: nf.npz(p, {**nf.xor_members(), "__manifest__": nf.manifest_bytes(b"\xff\xfe")}), "not JSON text"),
    ("many-members", lambda p: nf.npz(p, {**nf.xor_members(), **{f"x{i}": nf.npy_bytes(np.zeros(1)) for i in range(1001)}}),
     "at most 1000"),
    ("wrong-shape", lambda p: nf.npz(p, nf.xor_members(hidden=9)), "has shape (2, 9), expected (2, 8)"),
    ("other-model", lambda p: nf.npz(p, {**nf.xor_members(), "__manifest__": nf.manifest_bytes({"model": "mlp"})}), "'mlp' model"),
    ("path-member", lambda p: nf.npz(p, {**nf.xor_members(), "../evil.npy": nf.npy_bytes(np.zeros(1))}), "distinct .npy arrays"),
    ("truncated", lambda p: p.write_bytes(nf.npz(p, nf.xor_members()).read_bytes()[:300]) and p, "unreadable or truncated"),
    ("record-dtype", lambda p: nf.npz(p, {**nf.xor_members(), "W1": nf.npy_bytes(np.zeros((2, 8), dtype="f8,f8"))}), "expected numbers"),
])
def test_hostile_files_end_with_one_line(tmp_path, name, build, words):
    path = build(tmp_path / f"{name}.npz")
    assert words in _refused(path)


def test_manifest_is_read_without_the_arrays(tmp_path):
    path = nf.forged_size(tmp_path / "forged.npz")                # W1 could never be read
    assert persist.manifest(path, "xor")["model"] == "xor"
    with pytest.raises(UserError):
        persist.load(path, "xor")


def test_extra_arrays_are_left_unread_only_when_allowed(tmp_path):
    members = {**nf.xor_members(), "junk": nf.npy_header((10**12,)) + bytes(8)}
    path = nf.npz(tmp_path / "extra.npz", members)
    shapes = {"W1": (2, 8), "b1": (8,), "W2": (8, 1), "b2": (1,)}
    params, _ = persist.load(path, "xor", shapes, extra_ok=True)
    assert sorted(params) == sorted(shapes)
    with pytest.raises(UserError, match="unexpected parameter"):
        persist.load(path, "xor", shapes)


def test_saved_files_pass_the_checks_for_every_loading_model(tmp_path):
    for model, options in (("gan", {"steps": 2}), ("lstm", {"data": "text", "steps": 2}), ("som", {"steps": 2})):
        path = tmp_path / f"{model}.npz"
        numeric.train(model, options, save=path)
        with zipfile.ZipFile(path) as zf:
            manifest = json.loads(np.load(path)["__manifest__"].tobytes())
            assert set(manifest["shapes"]) == {n[:-4] for n in zf.namelist()} - {"__manifest__"}
        numeric.train(model, {**options, **({"steps": 0})}, load=path)
