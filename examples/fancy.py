"""Reading request data: query arguments, form fields and cookies.

Any endpoint that names a ``request`` parameter receives the current
Werkzeug ``Request``. ``/fancy`` reports what it found as plain text, one
line per item; ``/fancy.json`` returns the same information as a JSON
object (via ``render_json``), which is handier for programs.

Try it with::

    curl -X POST --data "post=posted" --cookie "cookie_crisp=delicious" \\
         "http://127.0.0.1:5000/fancy?get=gotten"
"""
from clastic_like import Application, render_basic, render_json


def fancy(request):
    """Describe every GET/POST value and every cookie, one line each."""
    lines = []
    # request.values combines the query string (args) and the form body.
    for key in request.values:
        lines.append("argument %r = %r" % (key, request.values[key]))
    for key in request.cookies:
        lines.append("cookie %r = %r" % (key, request.cookies[key]))
    if not lines:
        return 'Nothing found.\n'
    return '\n'.join(lines) + '\n'


def fancy_json(request, _route):
    """Return the same data as a dict, keeping GET and POST apart."""
    return {'method': request.method,
            'route': _route.pattern,
            'args': request.args.to_dict(),
            'form': request.form.to_dict(),
            'cookies': dict(request.cookies)}


def create_app():
    routes = [('/fancy', fancy, render_basic),
              ('/fancy.json', fancy_json, render_json)]
    return Application(routes)


app = create_app()


if __name__ == '__main__':
    from werkzeug.serving import run_simple
    run_simple('127.0.0.1', 5000, app)
