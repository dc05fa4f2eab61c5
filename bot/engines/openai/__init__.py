"""The OpenAI engine: one Structured Outputs call per article, with the offline engine as fallback."""
