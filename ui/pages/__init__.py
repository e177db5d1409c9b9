"""One module per page, each with `page()`; ui/app.py puts them in the navigation."""
