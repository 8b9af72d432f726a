"""``python -m examples.site``: serve the example site on 127.0.0.1:5000 (development server)."""
from __future__ import annotations

from . import create_app

if __name__ == "__main__":
    create_app(debug=True).serve()
