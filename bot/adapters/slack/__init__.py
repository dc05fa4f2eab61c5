"""The Slack adapter: Bolt (Socket Mode or HTTP), auto mode, 📰 requests, `/footnote`, Block Kit answers."""
