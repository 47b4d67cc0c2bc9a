"""Audit: a tamper-evident, hash-chained log of every write, and the checks that prove it."""
