"""``clastic_like.render.jinja``: the Jinja2 render factory (RF1-RF3, SA3)."""
from __future__ import annotations

import logging
import os

import jinja2
import pytest

from clastic_like import Application, SubApplication, render_basic
from clastic_like.render import Jinja2Render, Jinja2RenderFactory


@pytest.fixture
def templates(tmp_path):
    """A template directory with a base layout, pages in several formats and a broken one."""
    files = {
        'base.html': '<title>{% block title %}{% endblock %}</title>{% block body %}{% endblock %}',
        'page.html': '{% extends "base.html" %}{% block title %}{{ title }}{% endblock %}'
                     '{% block body %}<p>{{ body }}</p>{% endblock %}',
        'hello.txt': 'Hello {{ name }} & <friends>',
        'feed.xml': '<feed><title>{{ title }}</title></feed>',
        'data.json': '{"name": {{ name | tojson }}}',
        'page.html.j2': '<b>{{ value }}</b>',
        'style.css': 'body { color: {{ colour }}; }',
        'notes.unknownext': '{{ value }}',
        'scalar.html': '<i>{{ context }}</i> {{ request.path }}',
        'broken.html': 'line one\nline two\n{{ 1 // zero }}\n',
        'undefined.html': '{{ nowhere }}',
        'includes_missing.html': '{% include "not-there.html" %}',
        'filtered.html': '{{ name | shout }} {{ greeting() }} {% if 4 is even_number %}even{% endif %}',
        'sub/inner.html': 'inner {{ value }}',
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding='utf-8')
    return tmp_path


def client_for(factory, routes, **kw):
    return Application(routes, render_factory=factory, **kw).get_local_client()


# -- rendering -----------------------------------------------------------------------------------

def test_template_renders_mapping_context(templates):
    """RF3: a template named as a route's render is rendered with the endpoint's dict as its variables."""
    client = client_for(Jinja2RenderFactory(templates),
                        [('/', lambda: {'title': 'T', 'body': 'B'}, 'page.html')])
    assert client.get('/').get_data(as_text=True) == '<title>T</title><p>B</p>'


def test_non_mapping_context_is_available_as_context(templates):
    """A non-dict return value is the template variable ``context``; ``request`` is available too."""
    client = client_for(Jinja2RenderFactory(templates), [('/x', lambda: 42, 'scalar.html')])
    assert client.get('/x').get_data(as_text=True) == '<i>42</i> /x'


def test_render_function_is_a_jinja2_render(templates):
    """RF1: the factory returns the route's render callable, holding the template."""
    app = Application([('/', lambda: {}, 'hello.txt')], render_factory=Jinja2RenderFactory(templates))
    render = app.routes[0].render
    assert isinstance(render, Jinja2Render) and render.template_name == 'hello.txt'


@pytest.mark.parametrize('name, content_type', [
    ('page.html', 'text/html; charset=utf-8'),
    ('hello.txt', 'text/plain; charset=utf-8'),
    ('feed.xml', 'application/xml; charset=utf-8'),
    ('data.json', 'application/json'),
    ('style.css', 'text/css; charset=utf-8'),
    ('page.html.j2', 'text/html; charset=utf-8'),
    ('notes.unknownext', 'text/html; charset=utf-8'),
])
def test_mimetype_from_extension(templates, name, content_type):
    """RF3: the response's type comes from the template's extension (``.j2`` ignored), else ``default_mime``."""
    context = {'title': 't', 'body': 'b', 'name': 'n', 'value': 'v', 'colour': 'red'}
    client = client_for(Jinja2RenderFactory(templates), [('/', lambda: context, name)])
    assert client.get('/').content_type == content_type


def test_default_mime_is_configurable(templates):
    """RF3: ``default_mime`` types templates with unknown extensions."""
    client = client_for(Jinja2RenderFactory(templates, default_mime='text/plain'),
                        [('/', lambda: {'value': 1}, 'notes.unknownext')])
    assert client.get('/').mimetype == 'text/plain'


# -- escaping -------------------------------------------------------------------------------------

@pytest.mark.parametrize('name, expected', [
    ('page.html', '<p>&lt;script&gt;x&lt;/script&gt;</p>'),
    ('feed.xml', '<title>&lt;script&gt;x&lt;/script&gt;</title>'),
    ('page.html.j2', '<b>&lt;script&gt;x&lt;/script&gt;</b>'),
])
def test_markup_templates_autoescape(templates, name, expected):
    """HTML and XML templates (also ``.html.j2``) escape data."""
    value = '<script>x</script>'
    context = {'title': value, 'body': value, 'value': value}
    body = client_for(Jinja2RenderFactory(templates), [('/', lambda: context, name)]).get('/').get_data(as_text=True)
    assert expected in body and '<script>' not in body


def test_text_templates_do_not_escape(templates):
    """Plain-text templates are not HTML-escaped (entities would corrupt them)."""
    body = client_for(Jinja2RenderFactory(templates), [('/', lambda: {'name': 'a<b'}, 'hello.txt')]).get('/').get_data(as_text=True)
    assert body == 'Hello a<b & <friends>'


def test_autoescape_can_be_forced(templates):
    """``autoescape=True`` escapes every template."""
    factory = Jinja2RenderFactory(templates, autoescape=True)
    body = client_for(factory, [('/', lambda: {'name': 'a<b'}, 'hello.txt')]).get('/').get_data(as_text=True)
    assert 'a&lt;b' in body


# -- construction-time checks (RF1) ----------------------------------------------------------------

def test_missing_template_fails_at_construction(templates):
    """RF1: a route naming a missing template fails ``Application(...)``, naming the template and the search path."""
    with pytest.raises(jinja2.TemplateNotFound) as info:
        Application([('/', lambda: {}, 'pgae.html')], render_factory=Jinja2RenderFactory(templates))
    message = str(info.value)
    assert "'pgae.html'" in message and str(templates) in message
    assert "Did you mean 'page.html'" in message


def test_missing_included_template_fails_at_construction(templates):
    """RF1: a literal include/extends of a missing template is caught at bind, not at the first request."""
    with pytest.raises(jinja2.TemplateNotFound, match="'not-there.html'.*'includes_missing.html'"):
        Application([('/', lambda: {}, 'includes_missing.html')], render_factory=Jinja2RenderFactory(templates))


@pytest.mark.parametrize('source', [
    '{% include "nope.html" ignore missing %}ok',
    '{% include ["nope.html", "there.html"] %}',
    '{% include name %}',
    '{% extends layout %}',
])
def test_optional_or_dynamic_references_are_allowed(source):
    """Includes Jinja2 allows to be missing (``ignore missing``, lists with one existing, computed names) pass bind."""
    factory = Jinja2RenderFactory(loader=jinja2.DictLoader({'page.html': source, 'there.html': 'x'}))
    assert factory('page.html').template_name == 'page.html'


def test_include_list_with_none_existing_fails_at_construction():
    """A literal include list where no template exists fails bind, naming the alternatives."""
    factory = Jinja2RenderFactory(loader=jinja2.DictLoader({'page.html': '{% include ["a.html", "b.html"] %}'}))
    with pytest.raises(jinja2.TemplateNotFound, match="'a.html' or 'b.html'"):
        factory('page.html')


def test_template_syntax_error_fails_at_construction(tmp_path):
    """RF1: a template that does not compile fails construction with its file and line."""
    (tmp_path / 'bad.html').write_text('ok\n{% if %}\n', encoding='utf-8')
    with pytest.raises(jinja2.TemplateSyntaxError) as info:
        Application([('/', lambda: {}, 'bad.html')], render_factory=Jinja2RenderFactory(tmp_path))
    assert info.value.lineno == 2 and info.value.filename.endswith('bad.html')


def test_template_in_subdirectory(templates):
    """Templates are named by their path relative to a search path."""
    client = client_for(Jinja2RenderFactory(templates), [('/', lambda: {'value': 1}, 'sub/inner.html')])
    assert client.get('/').get_data(as_text=True) == 'inner 1'


def test_search_paths_in_order(tmp_path):
    """Several template directories are searched in order; the first match wins."""
    first, second = tmp_path / 'first', tmp_path / 'second'
    for d, text in ((first, 'first'), (second, 'second')):
        d.mkdir()
        (d / 'x.txt').write_text(text, encoding='utf-8')
    (second / 'only.txt').write_text('only in second', encoding='utf-8')
    client = client_for(Jinja2RenderFactory([first, second]),
                        [('/x', lambda: {}, 'x.txt'), ('/only', lambda: {}, 'only.txt')])
    assert client.get('/x').get_data(as_text=True) == 'first'
    assert client.get('/only').get_data(as_text=True) == 'only in second'


def test_loader_instead_of_paths():
    """A Jinja2 loader can replace template paths."""
    factory = Jinja2RenderFactory(loader=jinja2.DictLoader({'hi.html': '<p>{{ who }}</p>'}))
    assert client_for(factory, [('/', lambda: {'who': 'x'}, 'hi.html')]).get('/').get_data(as_text=True) == '<p>x</p>'


def test_missing_template_with_loader_names_the_loader():
    """RF1: with a loader the error names the loader."""
    with pytest.raises(jinja2.TemplateNotFound, match='DictLoader'):
        Jinja2RenderFactory(loader=jinja2.DictLoader({}))('x.html')


@pytest.mark.parametrize('kwargs, error, fragment', [
    ({}, TypeError, 'exactly one of template_paths'),
    ({'template_paths': 'x', 'loader': jinja2.DictLoader({})}, TypeError, 'exactly one'),
    ({'template_paths': '/no/such/dir/anywhere'}, ValueError, 'are not directories'),
    ({'template_paths': []}, ValueError, 'is empty'),
    ({'loader': 'not a loader'}, TypeError, 'must be a jinja2 loader'),
    ({'loader': jinja2.DictLoader({}), 'filters': {'f': 'not callable'}}, TypeError, "filters\\['f'\\] must be callable"),
    ({'loader': jinja2.DictLoader({}), 'filters': {'bad name': len}}, TypeError, 'must be identifiers'),
    ({'loader': jinja2.DictLoader({}), 'tests': ['x']}, TypeError, 'mapping'),
    ({'loader': jinja2.DictLoader({}), 'globals': ['x']}, TypeError, 'globals must be a mapping'),
    ({'loader': jinja2.DictLoader({}), 'default_mime': 'html'}, ValueError, 'default_mime'),
])
def test_bad_configuration_fails_at_construction(kwargs, error, fragment):
    """Misconfigured factories fail when created, with a message saying what was expected."""
    with pytest.raises(error, match=fragment):
        Jinja2RenderFactory(**kwargs)


@pytest.mark.parametrize('render_arg', [42, b'page.html', ('page.html',), ''])
def test_non_string_template_name_fails_at_construction(templates, render_arg):
    """RF1: a render argument that is not a template name fails construction with its repr."""
    with pytest.raises(TypeError, match='expects a template name'):
        Application([('/', lambda: {}, render_arg)], render_factory=Jinja2RenderFactory(templates))


# -- filters, globals, tests, per-factory environments ------------------------------------------------

def test_filters_globals_and_tests(templates):
    """``filters``, ``globals`` and ``tests`` are available in templates."""
    factory = Jinja2RenderFactory(templates, filters={'shout': str.upper}, globals={'greeting': lambda: 'hi'},
                                  tests={'even_number': lambda n: n % 2 == 0})
    assert client_for(factory, [('/', lambda: {'name': 'ada'}, 'filtered.html')]).get('/').get_data(as_text=True) == 'ADA hi even'


def test_each_factory_has_its_own_environment(templates):
    """No global state: a filter added to one factory is unknown to another."""
    with_filter = Jinja2RenderFactory(templates, filters={'shout': str.upper}, globals={'greeting': str},
                                      tests={'even_number': bool})
    without = Jinja2RenderFactory(templates)
    assert with_filter.env is not without.env
    assert 'shout' in with_filter.env.filters and 'shout' not in without.env.filters
    with pytest.raises(jinja2.TemplateAssertionError):
        Application([('/', lambda: {}, 'filtered.html')], render_factory=without)


# -- request-time errors ----------------------------------------------------------------------------

@pytest.fixture
def quiet_log():
    logger = logging.getLogger('clastic_like')
    previous = logger.disabled
    logger.disabled = True
    yield
    logger.disabled = previous


@pytest.mark.parametrize('template', ['broken.html', 'undefined.html'])
def test_template_error_is_a_500_without_details(templates, template, quiet_log):
    """A template failing at request time is a 500 through the error handler; production hides file and line."""
    client = client_for(Jinja2RenderFactory(templates), [('/', lambda: {'zero': 0}, template)])
    resp = client.get('/', headers={'Accept': 'text/html'})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 500
    assert template not in body and 'Traceback' not in body and 'zero' not in body


def test_template_error_in_debug_shows_file_and_line(templates, quiet_log):
    """In debug mode the 500 page shows the template's file and the failing line."""
    client = client_for(Jinja2RenderFactory(templates), [('/', lambda: {'zero': 0}, 'broken.html')], debug=True)
    body = client.get('/').get_data(as_text=True)
    assert 'broken.html' in body and 'line 3' in body


def test_undefined_variable_is_an_error_by_default(templates, quiet_log):
    """An undefined variable is an error (StrictUndefined), not silently empty."""
    client = client_for(Jinja2RenderFactory(templates), [('/', lambda: {}, 'undefined.html')])
    assert client.get('/').status_code == 500


def test_undefined_can_be_lenient(templates):
    """``undefined=jinja2.Undefined`` restores Jinja2's default (empty output)."""
    factory = Jinja2RenderFactory(templates, undefined=jinja2.Undefined)
    assert client_for(factory, [('/', lambda: {}, 'undefined.html')]).get('/').get_data(as_text=True) == ''


# -- reloading ----------------------------------------------------------------------------------------

def test_templates_are_not_reloaded_by_default(tmp_path):
    """Without ``auto_reload`` the template compiled at bind is used for every request."""
    (tmp_path / 't.txt').write_text('one', encoding='utf-8')
    client = client_for(Jinja2RenderFactory(tmp_path), [('/', lambda: {}, 't.txt')])
    (tmp_path / 't.txt').write_text('two, longer', encoding='utf-8')
    assert client.get('/').get_data(as_text=True) == 'one'


def test_auto_reload_picks_up_edits(tmp_path):
    """``auto_reload=True`` renders the edited template (development)."""
    path = tmp_path / 't.txt'
    path.write_text('one', encoding='utf-8')
    client = client_for(Jinja2RenderFactory(tmp_path, auto_reload=True), [('/', lambda: {}, 't.txt')])
    path.write_text('two, longer', encoding='utf-8')
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    assert client.get('/').get_data(as_text=True) == 'two, longer'


# -- embedding (SA3) ----------------------------------------------------------------------------------

@pytest.fixture
def two_dirs(tmp_path):
    inner, outer = tmp_path / 'inner', tmp_path / 'outer'
    for d in (inner, outer):
        d.mkdir()
        (d / 'x.txt').write_text(d.name, encoding='utf-8')
    return inner, outer


def test_embedded_app_keeps_its_templates(two_dirs):
    """SA3: embedded with rebind_render=False (default), a sub-application keeps its own factory's templates."""
    inner, outer = two_dirs
    sub = Application([('/x', lambda: {}, 'x.txt')], render_factory=Jinja2RenderFactory(inner))
    app = Application([('/s', sub)], render_factory=Jinja2RenderFactory(outer))
    assert app.get_local_client().get('/s/x').get_data(as_text=True) == 'inner'


def test_embedded_app_rebinds_to_outer_templates(two_dirs):
    """SA3: with rebind_render=True the embedding application's factory renders the template."""
    inner, outer = two_dirs
    sub = Application([('/x', lambda: {}, 'x.txt')], render_factory=Jinja2RenderFactory(inner))
    app = Application([SubApplication('/s', sub, rebind_render=True)], render_factory=Jinja2RenderFactory(outer))
    assert app.get_local_client().get('/s/x').get_data(as_text=True) == 'outer'


def test_rebinding_to_factory_without_template_fails_at_construction(two_dirs, tmp_path):
    """SA3/RF1: rebinding to a factory that lacks the template fails when the outer application is built."""
    inner, _ = two_dirs
    empty = tmp_path / 'empty'
    empty.mkdir()
    sub = Application([('/x', lambda: {}, 'x.txt')], render_factory=Jinja2RenderFactory(inner))
    with pytest.raises(jinja2.TemplateNotFound, match="'x.txt'"):
        Application([SubApplication('/s', sub, rebind_render=True)], render_factory=Jinja2RenderFactory(empty))


def test_template_name_without_factory_resolved_by_embedding_app(two_dirs):
    """SA3: a template name that never had a factory is resolved by the embedding application's factory."""
    _, outer = two_dirs
    sub = Application([('/x', lambda: {}, 'x.txt')])
    app = Application([('/s', sub)], render_factory=Jinja2RenderFactory(outer))
    assert app.get_local_client().get('/s/x').get_data(as_text=True) == 'outer'


def test_callable_render_ignores_factory(templates):
    """RF2: a callable render always wins over the factory."""
    client = client_for(Jinja2RenderFactory(templates), [('/', lambda: 'plain', render_basic)])
    assert client.get('/').get_data(as_text=True) == 'plain'


def test_factory_repr_names_search_path(templates):
    """The factory's repr shows where it looks for templates."""
    assert str(templates) in repr(Jinja2RenderFactory(templates))
