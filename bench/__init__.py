"""Benchmarks: a large generated company (bench.generate) and timings of every page and its SQL
(bench.run). Not tests: nothing here asserts; it measures and reports. See bench/README.md."""
