"""Strategies as data: segments, treatment paths and champion/challenger branches.

A strategy is a reviewable YAML document, validated into the immutable model of
``model.py``; the daily run (to come) evaluates it over a snapshot of the portfolio.
"""
