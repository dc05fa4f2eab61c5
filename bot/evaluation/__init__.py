"""`footnote eval`: score an engine on labelled news cases (kinds, summary, legal context, flags, cost)."""
