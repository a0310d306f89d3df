"""File operations that never leave a half-written file looking complete."""

import hashlib
import os
import shutil
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def link_absolute(source: Path, link: Path) -> None:
    """Make `link` a symbolic link to the absolute path of `source`, replacing an old link."""
    link.parent.mkdir(parents=True, exist_ok=True)
    if os.path.lexists(link):
        link.unlink()
    link.symlink_to(source.resolve())


# Alignments are large: they are published as hard links, under a hidden name (held_alignment)
# beside the published one, which is a relative symbolic link to it. Snakemake touches every
# output of a finished job; touching the link leaves the alignment's own time alone, where a
# touched hard link would date the pseudonymous source after every step that had read it, and
# the next run would redo them all. Everything else, the alignments' small indexes included, is
# copied, so the copy is newer than its inputs. (Were the index linked too, the touch of the
# linked alignment and of the linked index could fall into two clock ticks and the index, an
# input of the same job, would look newer than the published alignment: a "clock skew" error.)
LINKED_SUFFIXES = (".bam", ".cram")


def held_alignment(published: Path) -> Path:
    """The hard link a published alignment's symbolic link points to."""
    return published.with_name(f".{published.name}")


def publish(source: Path, destination: Path) -> None:
    """Put a finished file at its published path: alignments hard-linked (behind a symbolic
    link, see LINKED_SUFFIXES), the rest copied.

    Either way the file appears under its final name in one rename, so a reader never sees
    part of it.
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(f".{destination.name}.partial")
    if os.path.lexists(partial):
        partial.unlink()
    if destination.name.endswith(LINKED_SUFFIXES):
        held = held_alignment(destination)
        _link_or_copy(source, partial)
        os.replace(partial, held)
        partial.symlink_to(held.name)
    else:
        shutil.copyfile(source, partial)
    os.replace(partial, destination)


def optional_path(paths: list[str]) -> Path | None:
    """The first of an optional Snakemake input (a list, empty when the input is absent), or
    None."""
    return Path(paths[0]) if paths else None


def write_atomic(path: Path, text: str, mode: int = 0o666) -> None:
    """Write `text` to `path` in one rename, so that a reader never sees part of it.

    `mode` (before the umask) is the new file's permission, e.g. 0o600 for an owner-only file;
    the partial file is always created anew, so it never inherits an older file's permission.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    os.replace(partial, path)


#: Bytes read at a time when hashing a file.
BLOCK = 1 << 22


def sha256(path: Path) -> str:
    """The sha256 of a file, read in large blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()


def path_key(path: Path) -> str:
    """A cache key for a file that does not name it: a hash of its absolute path."""
    return hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:32]


def file_stamp(path: Path) -> dict[str, int]:
    """What changes whenever a file's content may have: size, times and inode. A copy or a
    replacement gets a new status-change time even when its mtime is set back."""
    info = path.stat()
    return {
        "size": info.st_size,
        "mtime_ns": info.st_mtime_ns,
        "ctime_ns": info.st_ctime_ns,
        "inode": info.st_ino,
    }


def stamp_unchanged(entry: dict, stamp: dict[str, int]) -> bool:
    """True when a record made with file_stamp matches the file's stamp now (a record of an
    older version, without every field, does not)."""
    return all(entry.get(name) == value for name, value in stamp.items())


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link, or a copy where the file system cannot link (another device)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


@contextmanager
def stderr_to(log: str | None) -> Iterator[None]:
    """Send everything the block writes to stderr, and the error that ends it, to a rule's log."""
    if not log:
        yield
        return
    with open(log, "w") as handle:
        saved = sys.stderr
        sys.stderr = handle
        try:
            yield
        except Exception as error:
            print(f"tailorseq: error: {error}", file=handle)
            raise
        finally:
            sys.stderr = saved


def unreadable(path: Path, missing_fix: str) -> tuple[str, str] | None:
    """Why `path` cannot be read as an input file, as (problem, fix); None when it can."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if path.is_symlink():
            return f"is a broken symbolic link (to {os.readlink(path)})", missing_fix
        return "does not exist", missing_fix
    except PermissionError:
        return "cannot be reached (permission denied on a folder above it)", _PERMISSION_FIX
    except OSError as error:
        return f"cannot be reached ({error.strerror})", "correct the path"
    if stat.S_ISDIR(mode):
        return "is a folder, not a file", "give the path of the file itself"
    if not stat.S_ISREG(mode):
        return "is not a regular file (a pipe, socket or device)", "give a regular file"
    try:
        with path.open("rb") as handle:
            handle.read(1)
    except PermissionError:
        return "is not readable (permission denied)", _PERMISSION_FIX
    except OSError as error:
        return f"cannot be read ({error.strerror or error})", "copy the file again"
    return None


_PERMISSION_FIX = "make it readable for the user running the pipeline (chmod/chgrp)"
