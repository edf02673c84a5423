"""Bulk work on Apache Spark: parallel ingest and embedding into the shared (PostgreSQL) store.

``cluster`` starts a local standalone master and worker and makes sessions; ``ingest`` and ``embed`` split the work
into tasks that run the library's own single-process code on the executors, so the records, the quarantine and the
resume rules are the ones ``novum ingest`` and ``novum embed`` have.
"""
