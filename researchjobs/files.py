"""The user's own files (profiles, the registry, config, outbox, feeds): written whole or
not at all, and read only when they are regular files.

A full disk half-way through a write must leave the old file (or none), never a
truncated one that breaks the next digest; and a FIFO or device that happens to be
named ``*.toml`` must not hang the program that opens it.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path


class NotARegularFileError(OSError):
    """A FIFO, device, socket or directory where a plain file was expected."""


def atomic_write(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Readers see the old file or the new one, never half of one; a failed write leaves
    no temporary file behind.

    ``durable`` fsyncs before the rename: an outbox message the ledger calls sent must
    survive a power cut. Files that can be rebuilt (the Atom feed) skip it.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    atomic_write(path, text.encode("utf-8"))


def read_regular(path: Path) -> bytes:
    """The bytes of a regular file; anything else raises ``NotARegularFileError`` at once.

    Opened with ``O_NONBLOCK`` so that a FIFO without a writer cannot block the open, then
    checked with ``fstat`` on the open descriptor (no window between check and read).
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotARegularFileError(errno.EINVAL, "not a regular file (a FIFO, device or directory)", str(path))
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
    finally:
        os.close(fd)
