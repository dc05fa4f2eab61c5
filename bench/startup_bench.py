"""Start-up time of footnote commands and of a running bot, against `python -c "import trafilatura"`.

usage: python bench/startup_bench.py [--runs N]

Targets (issue 17), measured in the same run: `footnote explain` on the bundled example ≤ 3× and
`footnote admin help` ≤ 1.5× the time Python takes to start and import trafilatura; a Discord and a
Slack bot ready to connect within 3 s of start. "Ready to connect" is the moment the bot asks for its
connection, on loopback fakes: discord.py's last login call (GET /oauth2/applications/@me, which the fake
holds, so the bot never dials the real gateway), Slack's apps.connections.open.
Medians of N runs, interleaved so that a busy machine slows every command alike.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the fake APIs live with the tests

from support.fake_discord_api import FakeDiscordApi  # noqa: E402
from support.fake_slack_api import FakeSlackApi  # noqa: E402

EXAMPLE = ROOT / "examples" / "ice-agents-state-prosecution.html"
FOOTNOTE = [sys.executable, "-m", "bot.cli"]
DISCORD_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123"
COMMANDS = {
    "python -c 'import trafilatura'": [sys.executable, "-c", "import trafilatura"],
    "footnote explain (example, local)": [*FOOTNOTE, "explain", str(EXAMPLE), "--engine", "local"],
    "footnote admin help": [*FOOTNOTE, "admin", "help"],
}
TARGETS = {"footnote explain (example, local)": 3.0, "footnote admin help": 1.5}
READY_WITHIN = 3.0
# The citation guard's first use as `explain` makes it (its index over the knowledge base, from the disk
# cache): its share of the time. eyecite is not part of it: `explain` imports eyecite only for text that
# looks like a case citation, which the example has none of (a bot imports it while warming up).
GUARD_BUILD = (
    "import time; from bot.legal.guard import default_guard, guard_text;"
    " start = time.perf_counter(); default_guard(); guard_text('text'); print(time.perf_counter() - start)"
)


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment without the developer's settings, with data and config in a scratch folder."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("FOOTNOTE_", "DISCORD_", "SLACK_", "OPENAI_"))
    }
    env.update(XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"), **extra)
    return env


def wall_seconds(command: list[str], env: dict[str, str], cwd: Path) -> float:
    """One run's wall time; a failing command stops the bench."""
    start = time.perf_counter()
    subprocess.run(
        command, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return time.perf_counter() - start


async def ready_seconds(platform: str, home: Path) -> float:
    """From launching `footnote run PLATFORM` to its request for a connection, on loopback fakes."""
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
                    return asked - started
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


def main() -> None:
    """Print the medians, the ratios and the bot start-up times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as scratch:
        home = Path(scratch)
        env = clean_env(home)
        for command in COMMANDS.values():  # warm the file cache and the tiktoken cache once
            wall_seconds(command, env, home)
        times: dict[str, list[float]] = {name: [] for name in COMMANDS}
        for _ in range(runs):
            for name, command in COMMANDS.items():
                times[name].append(wall_seconds(command, env, home))
        medians = {name: statistics.median(values) for name, values in times.items()}
        baseline = medians["python -c 'import trafilatura'"]
        print(f"median of {runs} runs, wall seconds")
        for name, median in medians.items():
            target = TARGETS.get(name)
            ratio = f"{median / baseline:4.2f}×" + (f" (target ≤ {target}×)" if target else " (baseline)")
            print(f"  {name:<36} {median:6.3f} s  {ratio}")
        guard = guard_seconds(env, home)
        if guard is not None:  # the guard's entry points may change; the rest of the bench does not need them
            explain = medians["footnote explain (example, local)"]
            print(
                f"  of which the citation guard's first use   {guard:6.3f} s; explain without it "
                f"{(explain - guard) / baseline:4.2f}×"
            )
        for platform in ("discord", "slack"):
            ready = sorted(asyncio.run(ready_seconds(platform, home)) for _ in range(max(1, runs // 2)))
            median = statistics.median(ready)
            print(
                f"  footnote run {platform:<23} ready to connect after {median:5.2f} s"
                f" = {median / baseline:4.2f}×"
                f" (median; worst {ready[-1]:.2f} s; target ≤ {READY_WITHIN} s)"
            )
        print(
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
            " (seconds grow with it; ratios much less)"
        )


if __name__ == "__main__":
    main()
