"""The web side: links in chat messages, the address policy, safe fetching and pure body decoding."""
