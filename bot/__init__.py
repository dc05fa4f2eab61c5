"""Footnote: explains news links pasted in Discord and Slack."""

__version__ = "0.1.0"
