"""Evaluation harness for mirix-py: benchmark loaders (LOCOMO, LongMemEval, JSONL) and metrics.

The modules in this package that are pure Python (:mod:`evals.metrics`,
:mod:`evals.datasets`) have no dependency on the memory library itself.
"""
