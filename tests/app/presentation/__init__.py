"""Tests of app/presentation/, one file per module."""
