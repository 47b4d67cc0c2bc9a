"""Metrics: MTTx, time in each status, time to innocence, SLA attainment and penalty."""
