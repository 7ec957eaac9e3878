"""Reliability and security: isolation, forgetting, vault, crashes, concurrency, bad input."""
