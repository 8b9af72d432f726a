"""The render-factory contract (RF1, RF2) as the renderers rely on it."""
from __future__ import annotations

import pytest

from clastic_like import Application, Response, SubApplication, render_basic


class RecordingFactory:
    """A render factory that records each render argument it is called with."""

    def __init__(self, label='f'):
        self.label = label
        self.calls = []

    def __call__(self, render_arg):
        self.calls.append(render_arg)
        label = self.label
        return lambda context: Response(f'{label}:{render_arg}:{context}')


def test_factory_called_once_at_bind_not_per_request():
    """RF1: the factory is called when the route is bound, once, and not again for requests."""
    factory = RecordingFactory()
    app = Application([('/', lambda: 'v', 'tmpl')], render_factory=factory)
    assert factory.calls == ['tmpl']
    client = app.get_local_client()
    client.get('/')
    client.get('/')
    assert factory.calls == ['tmpl']


@pytest.mark.parametrize('render_arg', ['name.html', 42, ('tuple', 'arg'), {'key': 'value'}])
def test_factory_receives_any_non_callable_render_argument(render_arg):
    """RF1: whatever non-callable value a route gives as render is passed to the factory as is."""
    factory = RecordingFactory()
    Application([('/', lambda: 'v', render_arg)], render_factory=factory)
    assert factory.calls == [render_arg]


def test_factory_render_output_is_the_response():
    """RF1: the callable the factory returns renders the endpoint's context."""
    app = Application([('/', lambda: 'v', 'tmpl')], render_factory=RecordingFactory('x'))
    assert app.get_local_client().get('/').get_data(as_text=True) == 'x:tmpl:v'


def test_factory_error_fails_construction():
    """RF1: an exception from the factory stops Application construction."""
    def factory(name):
        raise LookupError(f'no template {name!r}')
    with pytest.raises(LookupError, match="no template 'missing.html'"):
        Application([('/', lambda: 'v', 'missing.html')], render_factory=factory)


def test_callable_render_wins_over_factory():
    """RF2: a callable render is used as is; the factory is not called."""
    factory = RecordingFactory()
    app = Application([('/', lambda: 'plain', render_basic)], render_factory=factory)
    assert factory.calls == [] and app.routes[0].render is render_basic


def test_no_render_means_no_factory_call():
    """RF2: a route without a render argument does not call the factory."""
    factory = RecordingFactory()
    Application([('/', lambda: Response('x'))], render_factory=factory)
    assert factory.calls == []


def test_most_recently_bound_factory_rebinds():
    """RF2: with rebind_render=True the most recently bound application's factory is used."""
    inner, outer = RecordingFactory('inner'), RecordingFactory('outer')
    sub = Application([('/x', lambda: 'v', 'tmpl')], render_factory=inner)
    app = Application([SubApplication('/s', sub, rebind_render=True)], render_factory=outer)
    assert outer.calls == ['tmpl']
    assert app.get_local_client().get('/s/x').get_data(as_text=True) == 'outer:tmpl:v'


def test_bound_route_records_its_factory():
    """RF2: the bound route remembers which factory made its render."""
    factory = RecordingFactory()
    app = Application([('/', lambda: 'v', 'tmpl')], render_factory=factory)
    assert app.routes[0].render_factory is factory
