"""Ctrl-C ends `footnote explain` at once, mid-fetch, with one line and no traceback."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

from support.page_server import PageServer

# A stopped command ends within this; the page it waits for would take minutes (STUCK_SECONDS).
PROMPT_SECONDS = 10.0


async def test_ctrl_c_ends_an_explain_waiting_on_a_slow_page(tmp_path):
    async with PageServer() as pages:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FOOTNOTE_")}
        env.update(FOOTNOTE_ALLOW_PRIVATE_NETWORKS="true", XDG_DATA_HOME=str(tmp_path / "data"))
        command = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "explain", pages.url("/stuck/slow")],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            began = time.monotonic()
            while not pages.hits["/stuck/slow"]:  # the fetch has started and will not finish
                assert command.poll() is None and time.monotonic() - began < 60, command.communicate()
                await asyncio.sleep(0.05)
            command.send_signal(signal.SIGINT)
            stopped = time.monotonic()
            while command.poll() is None and time.monotonic() - stopped < PROMPT_SECONDS:
                await asyncio.sleep(0.05)
            assert command.poll() is not None, "still running after Ctrl-C"
        finally:
            if command.poll() is None:
                command.kill()
            out, err = command.communicate()
        assert command.returncode == 130
        assert err.strip() == "Stopped." and out == ""
