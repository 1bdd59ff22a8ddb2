"""Analytics: the numbers a collections manager runs the operation by."""
