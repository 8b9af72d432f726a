"""A tiny clastic_like application served by gunicorn in ``test_server.py``."""
from clastic_like import GET, Application, render_basic


def hello():
    return 'hello from clastic_like'


def only_get():
    return 'got it'


def boom():
    raise RuntimeError('secret-token-123')


app = Application([
    ('/', hello, render_basic),
    GET('/only-get', only_get, render_basic),
    ('/boom', boom, render_basic),
])
