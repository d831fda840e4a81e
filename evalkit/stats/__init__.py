"""Statistics for tables and the regression gate: bootstrap intervals, paired tests."""
