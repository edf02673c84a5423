"""Reading the offices' formats into normalised ``Patent`` records, and loading them into the store."""
