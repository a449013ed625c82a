"""derive.files: capped reads of regular files only, atomic writes that never leave a partial file."""

from __future__ import annotations

import os
import time

import pytest

from tests.cpu_time import cpu_seconds

from derive.errors import UserError
from derive.files import atomic_write, check_writable, read_bytes, read_text


def test_reads_a_regular_file(tmp_path):
    f = tmp_path / "a.toml"
    f.write_text("x = 1\n", encoding="utf-8")
    assert read_text(f, "FILE") == "x = 1\n"


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_devices_are_refused_at_once(device):
    if not os.path.exists(device):
        pytest.skip(f"{device} absent")
    start = cpu_seconds()
    with pytest.raises(UserError, match="device") as info:
        read_bytes(device, "FILE")
    assert info.value.arg == "FILE"
    assert cpu_seconds() - start < 1.0  # reading the endless device would use far more


def test_fifo_and_directory_are_refused_without_blocking(tmp_path):
    fifo = tmp_path / "f.toml"
    os.mkfifo(fifo)
    with pytest.raises(UserError, match="FIFO"):
        read_bytes(fifo, "FILE")
    with pytest.raises(UserError, match="directory"):
        read_bytes(tmp_path, "FILE")
    with pytest.raises(UserError, match="no such file"):
        read_bytes(tmp_path / "missing.toml", "FILE")


def test_the_cap_is_exact(tmp_path):
    f = tmp_path / "big.txt"
    f.write_bytes(b"a" * 100)
    assert len(read_bytes(f, "--text", cap=100)) == 100
    with pytest.raises(UserError, match="too large"):
        read_bytes(f, "--text", cap=99)


def test_text_must_be_utf8(tmp_path):
    f = tmp_path / "latin.txt"
    f.write_bytes("café".encode("latin-1"))
    with pytest.raises(UserError, match="UTF-8"):
        read_text(f, "--text")


def test_atomic_write_replaces_whole_and_respects_umask(tmp_path):
    target = tmp_path / "sheet.md"
    target.write_text("old", encoding="utf-8")
    atomic_write(target, "new ✓", "--out")
    assert target.read_text(encoding="utf-8") == "new ✓"
    mask = os.umask(0o022)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask
    atomic_write(target, lambda fh: fh.write(b"bytes"), "--out")
    assert target.read_bytes() == b"bytes"
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.md"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "model.npz"
    target.write_bytes(b"old")

    def broken(fh):
        fh.write(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(UserError, match="cannot write") as info:
        atomic_write(target, broken, "--save")
    assert info.value.arg == "--save"
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["model.npz"]


def test_unwritable_targets_are_refused_before_work(tmp_path):
    with pytest.raises(UserError, match="directory"):
        check_writable(tmp_path, "--plot")
    with pytest.raises(UserError, match="does not exist"):
        check_writable(tmp_path / "nope" / "x.png", "--plot")
    fifo = tmp_path / "out.md"
    os.mkfifo(fifo)
    with pytest.raises(UserError, match="FIFO"):
        atomic_write(fifo, "x", "--out")
    assert check_writable(tmp_path / "fresh.png", "--plot") == tmp_path / "fresh.png"
