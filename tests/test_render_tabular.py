"""``clastic_like.render.tabular``: the HTML table page of render_basic (B8) and its helpers."""
from __future__ import annotations

import functools

import pytest

from clastic_like import Application, Route
from clastic_like.render import Table, TabularRender
from clastic_like.render.tabular import escape_html, linkify


def page(endpoint, render=None):
    """The response for ``endpoint`` rendered through TabularRender."""
    app = Application([Route('/', endpoint, render or TabularRender())])
    resp = app.get_local_client().get('/')
    assert resp.status_code == 200
    return resp


def get_user(user_id=7):
    """Look a user up.

    Details at https://example.com/docs/users and www.example.org/faq.
    """
    return {'id': user_id, 'name': 'Ada'}


def test_tabular_page_is_html_with_charset():
    """B8: the page is ``text/html; charset=utf-8`` with a doctype."""
    resp = page(get_user)
    assert resp.content_type == 'text/html; charset=utf-8'
    assert resp.get_data(as_text=True).startswith('<!DOCTYPE html>')


def test_tabular_heading_names_endpoint_and_arguments():
    """B8: the heading shows the endpoint's module, name and argument list."""
    body = page(get_user).get_data(as_text=True)
    assert 'test_render_tabular.</span>get_user(user_id)' in body


def test_tabular_docstring_summary_and_rest():
    """B8: the docstring's first line and its dedented remainder are shown separately."""
    body = page(get_user).get_data(as_text=True)
    assert '<p class="doc summary">Look a user up.</p>' in body
    assert '<p class="doc">Details at' in body


def test_tabular_docstring_links():
    """B8: URLs in the docstring are links; ``www.`` ones get https://."""
    body = page(get_user).get_data(as_text=True)
    assert '<a href="https://example.com/docs/users">https://example.com/docs/users</a>' in body
    assert '<a href="https://www.example.org/faq">www.example.org/faq</a>.' in body


def test_tabular_lambda_name_is_not_a_tag():
    """B8: ``<lambda>`` is shown as ``(lambda)``, never as markup."""
    body = page(lambda: {'a': 1}).get_data(as_text=True)
    assert '(lambda)' in body and '<lambda>' not in body


def test_tabular_escapes_data():
    """B8: keys and values from the data are HTML-escaped."""
    body = page(lambda: {'<k>': '<script>alert(1)</script>'}).get_data(as_text=True)
    assert '<script>alert' not in body
    assert '&lt;script&gt;alert(1)&lt;/script&gt;' in body and '&lt;k&gt;' in body


def test_tabular_escapes_docstring():
    """B8: markup in a docstring is escaped, links included."""
    def evil():
        """<img src=x onerror=alert(1)> see https://x.example/"><script>"""
        return [1]
    body = page(evil).get_data(as_text=True)
    assert '<img' not in body and '<script>' not in body and '&lt;img' in body


def test_tabular_nested_data_becomes_nested_tables():
    """B8: nested mappings are shown as tables inside cells, up to ``max_depth``."""
    body = page(lambda: {'outer': {'inner': 'v'}}).get_data(as_text=True)
    assert body.count('<table>') == 2 and '<td>v</td>' in body


def test_tabular_set_shows_its_items():
    """B8 (fixed): a set is shown as its items, not as the set type's docstring."""
    body = page(lambda: {3, 1, 2}).get_data(as_text=True)
    assert '<td>1</td>' in body and '<td>3</td>' in body and 'unordered' not in body


def test_tabular_table_context_used_as_is():
    """B8: a Table context is shown unchanged."""
    body = page(lambda: Table([[1, 2]], headers=['a', 'b'])).get_data(as_text=True)
    assert '<th>a</th>' in body and '<td>2</td>' in body


def test_tabular_without_title():
    """§1.5: ``enable_title=False`` leaves out the endpoint heading."""
    body = page(get_user, render=TabularRender(enable_title=False)).get_data(as_text=True)
    assert '<h1>' not in body and '<table>' in body


def test_tabular_partial_endpoint_named_by_its_function():
    """B8: a functools.partial endpoint is headed by the wrapped function's name."""
    body = page(functools.partial(get_user, user_id=3)).get_data(as_text=True)
    assert 'get_user(' in body


def test_tabular_called_without_route():
    """§1.5: called directly without ``_route`` it renders just the table."""
    body = TabularRender()({'a': 1}).get_data(as_text=True)
    assert '<h1>' not in body and '<td>1</td>' in body


@pytest.mark.parametrize('max_depth', [0, -1, 'deep', None])
def test_tabular_bad_max_depth_fails_at_construction(max_depth):
    """TabularRender refuses a max_depth that is not a positive integer when created."""
    with pytest.raises(ValueError, match='max_depth'):
        TabularRender(max_depth=max_depth)


@pytest.mark.parametrize('text, expected', [
    ('see https://a.example/x.', 'see <a href="https://a.example/x">https://a.example/x</a>.'),
    ('(http://a.example/p_(1))', '(<a href="http://a.example/p_(1)">http://a.example/p_(1)</a>)'),
    ('www.a.example', '<a href="https://www.a.example">www.a.example</a>'),
    ('no links <b>', 'no links &lt;b&gt;'),
    ('javascript:alert(1)', 'javascript:alert(1)'),
    ('http://a.example/?q="><script>', '<a href="http://a.example/?q=">http://a.example/?q=</a>&quot;&gt;&lt;script&gt;'),
])
def test_linkify(text, expected):
    """B8: linkify escapes text and links http(s)/ftp/www URLs only, trimming sentence punctuation."""
    assert linkify(text) == expected


def test_linkify_extra_schemes():
    """``schemes`` adds recognised schemes (e.g. mailto)."""
    assert linkify('mailto:a@b.example', schemes=('mailto',)) == '<a href="mailto:a@b.example">mailto:a@b.example</a>'


def test_escape_html_quotes():
    """escape_html escapes quotes too, so values are safe in attributes."""
    assert escape_html('"\'<>&') == '&quot;&#x27;&lt;&gt;&amp;'
