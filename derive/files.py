"""Files the user names: read with a hard byte cap, written atomically.

Every file chainrule reads on a user's behalf (a TOML answer file, a ``--text`` corpus, a
``--load`` manifest, a hand derivation) goes through :func:`read_bytes` / :func:`read_text`:
the path must name a regular file (not a device, FIFO, socket or directory), and at most
``cap + 1`` bytes are read, so ``/dev/zero`` or a 10 GB file is refused at once instead of
filling memory. Every file chainrule writes (``--out``, ``--save``, ``--plot``) goes through
:func:`atomic_write`: the bytes go to a temporary file beside the target, which is renamed over
it, so an interrupted write never leaves a truncated file. Errors are the project's
:class:`~derive.errors.UserError`, naming the option (``arg``) and the path.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from typing import BinaryIO
from pathlib import Path

from derive.errors import UserError

MB = 1_000_000


def _describe(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def require_regular(path: Path | str, arg: str) -> Path:
    """``path`` as a Path if it names an existing regular file; else UserError naming ``arg``."""
    p = Path(path)
    try:
        mode = os.stat(p).st_mode
    except FileNotFoundError:
        raise UserError(f"'{p}': no such file", arg) from None
    except OSError as exc:
        raise UserError(f"'{p}': cannot read ({exc.strerror})", arg) from None
    if not stat.S_ISREG(mode):
        raise UserError(f"'{p}' is {_describe(mode)}, expected a regular file", arg)
    return p


def read_bytes(path: Path | str, arg: str, cap: int = MB) -> bytes:
    """The contents of the regular file ``path``, at most ``cap`` bytes (more → UserError).

    The file is opened without blocking (a FIFO swapped in after the check cannot hang the
    read) and read in one call of ``cap + 1`` bytes, whatever ``st_size`` claims.
    """
    p = require_regular(path, arg)
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise UserError(f"'{p}': cannot read ({exc.strerror})", arg) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UserError(f"'{p}' is not a regular file", arg)
        chunks, size = [], 0
        while size <= cap:
            chunk = os.read(fd, cap + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise UserError(f"'{p}': cannot read ({exc.strerror})", arg) from None
    finally:
        os.close(fd)
    if size > cap:
        raise UserError(f"'{p}' is too large (at most {_size(cap)})", arg)
    return b"".join(chunks)


def read_text(path: Path | str, arg: str, cap: int = MB) -> str:
    """The UTF-8 text of the regular file ``path`` (at most ``cap`` bytes; not UTF-8 → UserError).
    A leading byte-order mark, as some Windows editors write, is dropped."""
    data = read_bytes(path, arg, cap)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(f"'{path}' is not UTF-8 text (byte {exc.start})", arg) from None


def check_writable(path: Path | str, arg: str) -> Path:
    """``path`` as a Path if a file can be written there: its folder exists and is writable, and
    it is not a directory, FIFO or device. Called before long work, so a run is not lost."""
    p = Path(path)
    try:
        mode = os.stat(p).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise UserError(f"cannot write '{p}' ({exc.strerror})", arg) from None
    if mode is not None and not stat.S_ISREG(mode):
        raise UserError(f"cannot write '{p}': it is {_describe(mode)}", arg)
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(f"cannot write '{p}': folder '{folder}' does not exist", arg)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserError(f"cannot write '{p}': folder '{folder}' is not writable", arg)
    return p


def atomic_write(path: Path | str, data: bytes | str | Callable[[BinaryIO], None], arg: str) -> Path:
    """Write ``data`` (bytes, UTF-8 text, or a function that writes to the binary file object it
    is given, e.g. ``lambda fh: np.savez(fh, **arrays)``) to a temporary file beside ``path`` and
    rename it over ``path``; UserError on failure, and no partial file is ever left at ``path``."""
    p = check_writable(path, arg)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent if str(p.parent) else ".")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fd = -1
            if callable(data):
                data(fh)
            else:
                fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, p)
    except OSError as exc:
        raise UserError(f"cannot write '{p}' ({exc.strerror or exc})", arg) from None
    finally:
        if fd != -1:
            os.close(fd)
        if tmp.exists():
            tmp.unlink()
    return p


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _size(n: int) -> str:
    return f"{n / MB:g} MB" if n >= MB else f"{n:,} bytes"
