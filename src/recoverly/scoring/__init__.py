"""Scoring: repayment-propensity models on tabular data.

This first slice is ``recoverly model evaluate``: read any CSV/Parquet with a binary target,
train an explainable scorecard and a gradient-boosting model on a stratified 70 % split and
report both on the other 30 %. Heavy libraries (LightGBM, optbinning, pandas) are imported
inside functions so that importing this package stays cheap.
"""
