"""Normalisers shared by every parser: numbers, dates, classification symbols, claim references, text."""
