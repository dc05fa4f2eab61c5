"""What is wrong with the database file, in one line naming FOOTNOTE_DB: before use, or after a failure.

`database_problem` looks at the file without opening it (cheap: every command that uses the database runs
it first); `explain_database_error` turns what SQLite or the file system raised into the same kind of line;
`database_status` is the doctor's fuller check (integrity and schema version), read-only.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100
MOVE_ASIDE = "move it aside (footnote starts a fresh database) or restore a backup"


def _named(path: Path, what: str) -> str:
    return f"FOOTNOTE_DB={path}: {what}"


def _folder_problem(path: Path) -> str | None:
    """Why the file's folder cannot be created, if it does not exist yet."""
    folder = path.parent
    if folder.is_dir():
        return None
    ancestor = folder
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        return _named(path, f"its folder cannot be created: {ancestor} is a file, not a folder")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        return _named(path, f"its folder cannot be created: no permission to write in {ancestor}")
    return None


def _header_problem(path: Path, size: int) -> str | None:
    """A file that is not SQLite, or shorter than its own header says (cut off by a copy or a full disk)."""
    with path.open("rb") as file:
        header = file.read(HEADER_SIZE)
    if not (header.startswith(SQLITE_MAGIC) or SQLITE_MAGIC.startswith(header)):
        return _named(path, f"not an SQLite database (another kind of file, or corrupt); {MOVE_ASIDE}")
    if len(header) < HEADER_SIZE:
        return _named(path, f"truncated ({size} bytes, shorter than an SQLite header); {MOVE_ASIDE}")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    change_counter, pages, valid_for = (int.from_bytes(header[i : i + 4], "big") for i in (24, 28, 92))
    # The page count in the header is trusted only when written with the current change counter.
    if pages and valid_for == change_counter and size < pages * page_size:
        return _named(
            path,
            f"truncated ({size:,} of {pages * page_size:,} bytes): part of the file is missing; {MOVE_ASIDE}",
        )
    return None


def database_problem(path: Path) -> str | None:
    """One line naming FOOTNOTE_DB and what is wrong with the file, or None when it looks usable."""
    if str(path) == ":memory:":
        return None
    try:
        if not path.exists():
            return _folder_problem(path)
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            return _named(path, "is a folder, not a file; point FOOTNOTE_DB at a file inside it")
        if not stat.S_ISREG(info.st_mode):
            return _named(path, "is not a regular file (a device or pipe); point FOOTNOTE_DB at a file")
        if not os.access(path, os.R_OK):
            return _named(path, "cannot be read: no permission (check its owner and mode)")
        # Write bits too: a file someone marked read-only stays so, even for root, who could write it.
        if not os.access(path, os.W_OK) or not info.st_mode & 0o222:
            return _named(path, "is read-only; footnote writes settings, cache and usage to it (chmod u+w)")
        if not os.access(path.parent, os.W_OK | os.X_OK):
            return _named(path, f"its folder {path.parent} is read-only; SQLite needs it for the journal")
        return _header_problem(path, info.st_size) if info.st_size else None
    except OSError as exc:
        return _named(path, f"cannot be checked: {exc.strerror or exc}")


def explain_database_error(exc: BaseException, path: Path) -> str | None:
    """The line for an error raised while using the database, or None when it is not about the database."""
    if isinstance(exc, sqlite3.Error):
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            return _named(
                path,
                "locked by another process for longer than FOOTNOTE_DB_BUSY_TIMEOUT; "
                "is another footnote command busy with it? Try again when it has finished",
            )
        if "readonly" in text or "read-only" in text:
            return _named(path, "is read-only; footnote writes settings, cache and usage to it")
        if "not a database" in text or "malformed" in text or "corrupt" in text:
            return _named(path, f"corrupt ({exc}); {MOVE_ASIDE}")
        return database_problem(path) or _named(path, f"cannot be used: {exc}")
    if isinstance(exc, OSError) and exc.filename is not None and str(path).startswith(str(exc.filename)):
        return database_problem(path) or _named(path, f"cannot be used: {exc.strerror or exc}")
    return None


def database_status(path: Path, latest: int) -> tuple[bool, str]:
    """The doctor's check: (ok, line) after an integrity check and a look at the schema version; read-only."""
    problem = database_problem(path)
    if problem:
        return False, problem
    if not path.exists() or path.stat().st_size == 0:
        return True, f"database {path} will be created on first start"
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2.0) as conn:
            verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
            if verdict != "ok":
                return False, _named(path, f"corrupt ({verdict}); {MOVE_ASIDE}")
            has_versions = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
            ).fetchone()
            version = (
                conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] if has_versions else 0
            )
    except sqlite3.Error as exc:
        return False, explain_database_error(exc, path) or _named(path, str(exc))
    version = int(version or 0)
    if version < latest:
        return False, _named(
            path,
            f"schema version {version} of {latest}: not migrated yet; any footnote command that uses it "
            "(`footnote admin settings`) or the bot's next start migrates it",
        )
    if version > latest:
        return False, _named(
            path, f"schema version {version} is newer than this footnote ({latest}); upgrade it"
        )
    return True, f"database {path} (schema version {version}, integrity ok)"
