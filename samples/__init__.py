"""Synthetic data for the demo, the tests and the benchmark: never imported by production code.

`samples.operators` writes the bundled operator sample (data/sample/operators) and the dirty test
set; `samples.contract_docs` writes the operator docs, whose example is a run on that dirty set.
The dependency goes one way: samples import `ingestion`, never the reverse (see `.importlinter`).
"""
