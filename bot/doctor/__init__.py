"""`footnote doctor` and the start-up checks it shares with every command (database, network)."""
