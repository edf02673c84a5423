"""Prior-art search over the indexes: filters, ranking, family collapse, snippets."""
