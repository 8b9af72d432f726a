"""Two sources for one injectable name are caught at construction.

``UserFromCookie`` and ``UserFromHeader`` both declare
``provides = ('user',)``. If both are installed, which ``user`` an
endpoint would receive is ambiguous, so ``create_app()`` raises a
``NameError`` naming ``user`` instead of silently letting one win.
``create_resource_conflict_app()`` shows the same check between an
application resource and a middleware's provides.

No module-level ``app`` is defined because construction is meant to fail.
"""
from clastic_like import Application, Middleware, render_basic


class UserFromCookie(Middleware):
    provides = ('user',)

    def request(self, next, request):
        return next(user=request.cookies.get('user'))


class UserFromHeader(Middleware):
    provides = ('user',)

    def request(self, next, request):
        return next(user=request.headers.get('X-User'))


def whoami(user=None):
    return 'You are %s.' % (user or 'anonymous')


def create_app():
    """Raise NameError: ``user`` is provided by two middlewares."""
    return Application([('/whoami', whoami, render_basic)],
                       middlewares=[UserFromCookie(), UserFromHeader()])


def create_resource_conflict_app():
    """Raise NameError: ``user`` is both a resource and a middleware provide."""
    return Application([('/whoami', whoami, render_basic)],
                       resources={'user': 'admin'},
                       middlewares=[UserFromCookie()])


def create_fixed_app():
    return Application([('/whoami', whoami, render_basic)],
                       middlewares=[UserFromCookie()])


if __name__ == '__main__':
    import sys
    try:
        app = create_app()
    except NameError as exc:
        sys.exit('construction failed, as intended: %s' % exc)
    from werkzeug.serving import run_simple
    run_simple('127.0.0.1', 5000, app)
