"""Benchmarks (not tests): python -m benchmarks.bench, bench_read, bench_report, load_test."""
