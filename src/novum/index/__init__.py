"""Indexes derived from the store: lexical (tantivy BM25) now; dense vectors come with semantic search."""
