"""LiveCodeBench (lcb_runner) rules: hidden-test decoding, data rows, comparison, sandbox jobs."""
