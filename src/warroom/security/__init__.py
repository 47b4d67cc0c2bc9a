"""Security incidents: the NIST lifecycle, indicators, evidence and containment."""
