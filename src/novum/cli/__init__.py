"""The command line: a thin layer over the library (typer for arguments, rich for output)."""
