"""Watches and early warning: saved searches, portfolio, competitor and industry watches evaluated on newly stored
documents only (a percolator), an alert ledger that never repeats an alert, and delivery by Atom feed, signed
webhook and SMTP digest.

Entry points are in ``novum.watch.service``; this package root stays free of imports so that the store's SQL module
can import the data classes of ``novum.watch.model`` without a cycle.
"""
