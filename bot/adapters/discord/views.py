"""The buttons under an answer: 👍, 👎, "What I read" and "Show all".

They are persistent (`DynamicItem`): the custom_id carries only the action, and the link is
read back from the answer embed's URL, so buttons keep working after a restart with nothing
extra stored. `FootnoteClient` registers `AnswerButton` with `add_dynamic_items`.
"""

from __future__ import annotations

import re
from typing import Any

import discord

ACTIONS = {
    "up": ("👍", None, discord.ButtonStyle.secondary),
    "down": ("👎", None, discord.ButtonStyle.secondary),
    "read": (None, "What I read", discord.ButtonStyle.secondary),
    "all": (None, "Show all", discord.ButtonStyle.primary),
}


class AnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"footnote:(?P<action>up|down|read|all)"
):
    """One answer button; the click goes to the client's `on_answer_button` (see `client.py`)."""

    def __init__(self, action: str) -> None:
        emoji, label, style = ACTIONS[action]
        super().__init__(
            discord.ui.Button(emoji=emoji, label=label, style=style, custom_id=f"footnote:{action}")
        )
        self.action = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> AnswerButton:
        return cls(match["action"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.client.on_answer_button(self.action, interaction)


def answer_view(more: bool) -> discord.ui.View:
    """The buttons for one answer; "Show all" only when something was left out."""
    view = discord.ui.View(timeout=None)
    for action in ("up", "down", "read", *(("all",) if more else ())):
        view.add_item(AnswerButton(action))
    return view
