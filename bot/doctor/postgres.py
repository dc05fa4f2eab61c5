"""What is wrong with a PostgreSQL `FOOTNOTE_DB`, in one line that names it without its password."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit, urlunsplit

from bot.doctor.network import network_problem

CHECK_SERVER = "check that PostgreSQL is running there and the host and port in the URL (and any firewall)"


class DatabaseUnreachable(Exception):
    """The PostgreSQL database cannot be used; `reason` says why and what to check."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{redacted(url)}: {reason}")

    def line(self, configured: str) -> str:
        """The one line for the operator, naming FOOTNOTE_DB when that is where the URL came from."""
        where = f"FOOTNOTE_DB={redacted(self.url)}" if self.url == configured else redacted(self.url)
        return f"{where}: {self.reason}"


def redacted(url: str) -> str:
    """The URL with its password (and any password=… query parameter) replaced by ***."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        user, _, host = netloc.rpartition("@")
        if ":" in user:
            user = user.split(":", 1)[0] + ":***"
        netloc = f"{user}@{host}"
    query = "&".join(
        "password=***" if item.lower().startswith("password=") else item for item in parts.query.split("&")
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _reason(exc: BaseException) -> str | None:
    """Why asyncpg could not connect, with what to check; None when the error is about something else."""
    import asyncpg

    if isinstance(exc, asyncpg.InvalidPasswordError | asyncpg.InvalidAuthorizationSpecificationError):
        return "the server refused the user or password in the URL; check them"
    if isinstance(exc, asyncpg.InvalidCatalogNameError):
        return "the database does not exist on that server; create it (createdb) or fix its name in the URL"
    if isinstance(exc, OSError | socket.gaierror | TimeoutError | asyncpg.exceptions.InterfaceError):
        said = network_problem(exc)
        how = said.split(": ", 1)[1].split(";", 1)[0] if said else "the connection failed"
        return f"cannot connect ({how}); {CHECK_SERVER}"
    if isinstance(exc, asyncpg.PostgresError):
        return f"the server refused the connection ({type(exc).__name__}); check the URL and the server's log"
    return None


def unreachable(exc: BaseException, url: str) -> DatabaseUnreachable | None:
    """`exc`, raised while connecting to `url`, as a `DatabaseUnreachable`; None when it is something else."""
    reason = _reason(exc)
    return None if reason is None else DatabaseUnreachable(url, reason)


async def postgres_status(url: str, latest: int) -> tuple[bool, str]:
    """The doctor's check: (ok, line) after connecting and reading the schema version; writes nothing."""
    import asyncpg

    from bot.service.postgres_migrations import applied_version

    named = f"FOOTNOTE_DB={redacted(url)}"
    try:
        conn = await asyncpg.connect(url, timeout=10)
    except Exception as exc:
        problem = unreachable(exc, url)
        if problem is None:
            raise
        return False, f"{named}: {problem.reason}"
    try:
        version = await applied_version(conn)
    finally:
        await conn.close()
    if version < latest:
        return False, (
            f"{named}: schema version {version} of {latest}: not migrated yet; run `footnote db migrate`"
        )
    if version > latest:
        return False, f"{named}: schema version {version} is newer than this footnote ({latest}); upgrade it"
    return True, f"database {redacted(url)} (PostgreSQL, schema version {version})"
