"""A timing middleware that keeps its state in local variables.

``TimingMiddleware.request`` wraps everything that follows it (inner
middlewares, the endpoint and the render step): it reads a clock, calls
``next()``, and writes the elapsed time into a response header. No state
is attached to the request object.
"""
import time

from clastic_like import Application, Middleware, render_basic


class TimingMiddleware(Middleware):
    def __init__(self, header_name='X-Response-Time'):
        self.header_name = header_name

    def request(self, next):
        start = time.perf_counter()
        response = next()
        elapsed_ms = (time.perf_counter() - start) * 1000.0
        response.headers[self.header_name] = '%.3fms' % elapsed_ms
        return response


def fast():
    return 'fast'


def slow(delay_ms=50):
    time.sleep(delay_ms / 1000.0)
    return 'slow'


def create_app():
    routes = [('/', fast, render_basic),
              ('/slow', slow, render_basic)]
    return Application(routes, middlewares=[TimingMiddleware()])


app = create_app()


if __name__ == '__main__':
    from werkzeug.serving import run_simple
    run_simple('127.0.0.1', 5000, app)
