"""Benchmarks: scripts that print numbers and the command that produced them."""
