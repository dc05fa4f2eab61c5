"""Start-up time of footnote commands and of a running bot, against `python -c "import trafilatura"`.

usage: python bench/startup_bench.py [--runs N]

Targets (issue 17), measured in the same run: `footnote explain` on the bundled example ≤ 3× and
`footnote admin help` ≤ 1.5× the time Python takes to start and import trafilatura; a Discord and a
Slack bot ready to connect within 3 s of start. "Ready to connect" is the moment the bot asks for its
connection, on loopback fakes: discord.py's last login call (GET /oauth2/applications/@me, which the fake
holds, so the bot never dials the real gateway), Slack's apps.connections.open.

The commands run N rounds, interleaved so that a busy machine slows every command alike. A ratio is
the median of a command's wall times over the median of the baseline's; its spread is the range of the
per-round ratios (each run over the baseline run of its round), and `cpu` is the same ratio of CPU
seconds, which a loaded machine disturbs much less than wall time.

Bytecode: the ratios are for the tree as it is; the bench says whether `bot/` has current bytecode
(`make setup` compiles it; pip does for an installed wheel). `explain` is also timed on a copy of
`bot/` without bytecode, as an editable install runs with PYTHONDONTWRITEBYTECODE set and no `make setup`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the fake APIs live with the tests

from support.fake_discord_api import FakeDiscordApi  # noqa: E402
from support.fake_slack_api import FakeSlackApi  # noqa: E402

EXAMPLE = ROOT / "examples" / "ice-agents-state-prosecution.html"
FOOTNOTE = [sys.executable, "-m", "bot.cli"]
DISCORD_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123"
BASELINE = "python -c 'import trafilatura'"
EXPLAIN = "footnote explain (example, local)"
EXPLAIN_NO_BYTECODE = "  the same without bytecode for bot/"
COMMANDS = {
    BASELINE: [sys.executable, "-c", "import trafilatura"],
    EXPLAIN: [*FOOTNOTE, "explain", str(EXAMPLE), "--engine", "local"],
    EXPLAIN_NO_BYTECODE: [*FOOTNOTE, "explain", str(EXAMPLE), "--engine", "local"],
    "footnote admin help": [*FOOTNOTE, "admin", "help"],
    # Scored in batches of saved pages against trafilatura imported once: its start counts per batch.
    "footnote extract --json (example)": [*FOOTNOTE, "extract", "--json", str(EXAMPLE)],
}
TARGETS = {EXPLAIN: 3.0, EXPLAIN_NO_BYTECODE: 3.0, "footnote admin help": 1.5}
READY_WITHIN = 3.0
# The citation guard's first use as `explain` makes it (its index over the knowledge base, from the disk
# cache): its share of the time. eyecite is not part of it: `explain` imports eyecite only for text that
# looks like a case citation, which the example has none of (a bot imports it while warming up).
GUARD_BUILD = (
    "import time; from bot.legal.guard import default_guard, guard_text;"
    " start = time.perf_counter(); default_guard(); guard_text('text'); print(time.perf_counter() - start)"
)


@dataclass
class Timings:
    """One command's wall and CPU seconds, one pair per round."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment without the developer's settings, with data and config in a scratch folder."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("FOOTNOTE_", "DISCORD_", "SLACK_", "OPENAI_"))
    }
    env.update(XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"), **extra)
    return env


def timed_run(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """One run's wall and CPU (user + system) seconds; a failing command stops the bench."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{error}")
    return wall, usage.ru_utime + usage.ru_stime


def stale_bytecode(package: Path) -> list[Path]:
    """The package's modules whose bytecode is missing or older than their source."""
    stale = []
    for source in package.rglob("*.py"):
        cached = Path(importlib.util.cache_from_source(str(source)))
        if not cached.is_file() or cached.stat().st_mtime < source.stat().st_mtime:
            stale.append(source)
    return stale


def source_only_copy(folder: Path) -> Path:
    """A copy of `bot/` without any bytecode, for PYTHONPATH (it comes before the editable install)."""
    shutil.copytree(ROOT / "bot", folder / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def cpu_seconds(pid: int) -> float | None:
    """The CPU (user + system) seconds a running process has used so far, where /proc tells."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def ready_seconds(platform: str, home: Path) -> tuple[float, float | None]:
    """From launching `footnote run PLATFORM` to its request for a connection, on loopback fakes; and the
    CPU seconds the bot's own process used until then (its worker processes warm up beside it)."""
    async with FakeDiscordApi(DISCORD_TOKEN) as discord, FakeSlackApi() as slack:
        discord.hold_login = True
        env = clean_env(
            home,
            DISCORD_TOKEN=DISCORD_TOKEN,
            DISCORD_API_URL=discord.base_url,
            SLACK_BOT_TOKEN="xoxb-bench",
            SLACK_APP_TOKEN="xapp-bench",
            SLACK_API_URL=slack.api_url,
        )
        started = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            *FOOTNOTE,
            "run",
            platform,
            env=env,
            cwd=home,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            start_new_session=True,  # its own process group: the bot, its workers and their resource tracker
        )
        try:
            while True:
                if platform == "discord":
                    asked = discord.first("/oauth2/applications/@me")
                else:
                    asked = time.monotonic() if slack.calls_to("apps.connections.open") else None
                if asked is not None:
                    return asked - started, cpu_seconds(process.pid)
                if process.returncode is not None or time.monotonic() - started > 120:
                    raise RuntimeError(f"footnote run {platform} stopped before asking to connect")
                await asyncio.sleep(0.01)
        finally:
            await stop_group(process)


async def stop_group(process: asyncio.subprocess.Process) -> None:
    """SIGTERM the bot's process group; SIGKILL it when the bot has not stopped within 15 s.

    A bot stopped while it is still connecting may not stop by itself (the fakes never let it connect),
    and killing only the bot would leave its worker processes behind.
    """
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(process.wait(), 15)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    await process.wait()


def guard_seconds(env: dict[str, str], cwd: Path) -> float | None:
    """Median seconds of the citation guard's first use in a fresh process, or None if it cannot be timed."""
    times = []
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-c", GUARD_BUILD], env=env, cwd=cwd, capture_output=True, text=True
        )
        if done.returncode:
            return None
        times.append(float(done.stdout))
    return statistics.median(times)


def ratio_line(name: str, times: Timings, baseline: Timings) -> str:
    """Median seconds, the ratio of medians, the per-round spread and the CPU ratio of one command."""
    wall = statistics.median(times.wall)
    if times is baseline:
        return f"  {name:<38} {wall:6.3f} s  1.00×  (baseline; cpu {statistics.median(times.cpu):.3f} s)"
    per_round = sorted(run / base for run, base in zip(times.wall, baseline.wall, strict=True))
    quartiles = statistics.quantiles(per_round, n=4) if len(per_round) > 1 else per_round * 3
    cpu = statistics.median(times.cpu) / statistics.median(baseline.cpu)
    target = TARGETS.get(name)
    verdict = f"  target ≤ {target}×" if target else ""
    return (
        f"  {name:<38} {wall:6.3f} s  {wall / statistics.median(baseline.wall):4.2f}×"
        f"  (rounds {per_round[0]:.2f}–{per_round[-1]:.2f}×,"
        f" middle half {quartiles[0]:.2f}–{quartiles[2]:.2f}×; cpu {cpu:4.2f}×){verdict}"
    )


def main() -> None:
    """Print the medians, the ratios with their spread, and the bot start-up times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    runs = parser.parse_args().runs
    stale = stale_bytecode(ROOT / "bot")
    with tempfile.TemporaryDirectory() as scratch:
        home = Path(scratch)
        env = clean_env(home)
        envs = {name: env for name in COMMANDS}
        envs[EXPLAIN_NO_BYTECODE] = {
            **env,
            "PYTHONPATH": str(source_only_copy(home / "source-only")),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        for name, command in COMMANDS.items():  # warm the file cache and the tiktoken cache once
            timed_run(command, envs[name], home)
        times = {name: Timings() for name in COMMANDS}
        for _ in range(runs):
            for name, command in COMMANDS.items():
                wall, cpu = timed_run(command, envs[name], home)
                times[name].wall.append(wall)
                times[name].cpu.append(cpu)
        state = (
            "current for every module"
            if not stale
            else f"missing or stale for {len(stale)} modules (`make setup` compiles them)"
        )
        print(f"median of {runs} rounds, wall seconds; bytecode of bot/ {state}")
        for name in COMMANDS:
            print(ratio_line(name, times[name], times[BASELINE]))
        guard = guard_seconds(env, home)
        if guard is not None:  # the guard's entry points may change; the rest of the bench does not need them
            explain = statistics.median(times[EXPLAIN].wall)
            baseline = statistics.median(times[BASELINE].wall)
            print(
                f"  of which the citation guard's first use   {guard:6.3f} s; explain without it "
                f"{(explain - guard) / baseline:4.2f}×"
            )
        for platform in ("discord", "slack"):
            measured = [asyncio.run(ready_seconds(platform, home)) for _ in range(max(3, runs // 2))]
            ready = sorted(seconds for seconds, _ in measured)
            cpu = [used for _, used in measured if used is not None]
            median = statistics.median(ready)
            print(
                f"  footnote run {platform:<25} ready to connect after {median:5.2f} s"
                f" (median of {len(ready)}; {ready[0]:.2f}–{ready[-1]:.2f} s;"
                + (f" cpu {statistics.median(cpu):.2f} s;" if cpu else "")
                + f" target ≤ {READY_WITHIN} s)"
            )
        print(
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
            " (seconds grow with it; ratios much less, cpu ratios least)"
        )


if __name__ == "__main__":
    main()
