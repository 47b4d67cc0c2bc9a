"""Vulnerability campaigns: advisories, matching them against the estate, and patch priority."""
