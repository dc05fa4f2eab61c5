"""Rendering an analysis for people: terminal, Markdown (chat renderers live in adapters)."""
