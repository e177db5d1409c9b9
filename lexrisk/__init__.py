"""The `lexrisk` command root: the one place that sees every part, so the parts need not see each other."""
