"""Legal context: knowledge base, story matcher and citation guard."""
