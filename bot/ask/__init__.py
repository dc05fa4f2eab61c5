"""Follow-up questions answered from one article and the knowledge base only, never from elsewhere.

`terms` reads a question, `retrieval` ranks the article's numbered sentences for it (BM25),
`decline` decides whether any of them answers it, `topics` finds the knowledge-base topic it asks
about, `grounding` turns sentence numbers into verbatim quotes and guards every text, and `local`
is the offline answerer; the OpenAI answerer is `bot.engines.openai.ask`.
"""
