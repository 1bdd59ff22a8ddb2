"""Generic helpers that several areas share and that belong to none of them."""
