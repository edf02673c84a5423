"""Retrieval evaluation: benchmark loaders, TREC runs, ir_measures + PRES, and the comparison tables."""
