"""Tests of benchmarks/: the accuracy and drafting floors on the real events, and the corpus reader."""
