"""Test package (importable so gunicorn can load ``tests.server_app``)."""
