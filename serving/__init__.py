"""The lexrisk service: analyzers behind one interface, the `lexrisk` command line, and the API."""
