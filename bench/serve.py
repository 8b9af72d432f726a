"""The WSGI target for gunicorn in the end-to-end mode.

``gunicorn --chdir bench serve:app`` with BENCH_FRAMEWORK, BENCH_SCENARIO
and BENCH_ROUTES in the environment.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from apps import import_app_module  # noqa: E402

app = import_app_module(os.environ["BENCH_FRAMEWORK"]).build(
    os.environ["BENCH_SCENARIO"], int(os.environ.get("BENCH_ROUTES", "100")))
