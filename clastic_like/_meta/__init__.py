"""Private parts of :mod:`clastic_like.meta`: gathering and redacting what the meta page shows."""
