"""Private helpers of :mod:`clastic_like.static`: path checks and file responses."""
