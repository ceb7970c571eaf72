# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""drift.md shows text from the API or the task as the characters it is (_markdown.markdown_text): no HTML, no link,
no emphasis, no table cell of its own, in the module's report (drift_markdown, drift_table) and in the role's
(the markdown_text filter). Rendered by markdown-it-py, a CommonMark renderer with raw HTML on, as AWX, GitLab and
GitHub render these files."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from markdown_it import MarkdownIt

from ansible_collections.cloudflare_ops.zero_trust.plugins.filter.markdown_text import FilterModule
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.results import markdown as _markdown
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.results.markdown import markdown_text
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.results.report import drift_markdown, drift_report, drift_table

# The payloads of issue 25, and their like.
PAYLOADS = [
    '<img src=x onerror=alert(1)>',
    '<script>alert(document.cookie)</script>',
    '[x](javascript:alert(1))',
    '<javascript:alert(1)>',
    '![x](https://attacker.example/pixel.png)',
    '[x]: javascript:alert(1)',
    '<a href="javascript:alert(1)">Ada</a>',
    '&lt;script&gt;alert(1)&lt;/script&gt;',
    '`code` **bold** _em_ ~~struck~~ | cell',
    'snake_case_name __init__ a_b_ _c_d',
    'Ada\n# a heading\n- a list\n<b>bold</b>',
]
RENDERER = MarkdownIt('commonmark', {'html': True}).enable('table').enable('strikethrough')
# What any rendered HTML has, and what only markup from the text could add.
MARKUP = ('<img', '<script', '<a ', '<a>', '<b>', '<code', '<strong', '<em', '<s>', '<del', '<h1', '<li')


def rendered_inline(markdown):
    """The HTML of one paragraph of Markdown, without the paragraph's own tags."""
    html = RENDERER.render(markdown).strip()
    assert html.startswith('<p>') and html.endswith('</p>'), html
    return html[len('<p>'):-len('</p>')]


def html_text(text):
    """``text`` as HTML shows it (the escapes a renderer writes for < > & and ")."""
    return text.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;').replace('"', '&quot;')


@pytest.mark.parametrize('payload', PAYLOADS)
def test_a_payload_renders_as_its_own_characters_on_one_line(payload):
    escaped = markdown_text(payload)
    assert '\n' not in escaped
    html = rendered_inline('Name: ' + escaped)
    assert not any(tag in html for tag in MARKUP), html
    assert html == html_text('Name: ' + ' '.join(payload.split()))


@pytest.mark.parametrize('payload, escaped', [
    ('<img src=x onerror=alert(1)>', '\\<img src=x onerror=alert\\(1\\)\\>'),
    ('<script>', '\\<script\\>'),
    ('[x](javascript:alert(1))', '\\[x\\]\\(javascript\\:alert\\(1\\)\\)'),
    ('<javascript:alert(1)>', '\\<javascript\\:alert\\(1\\)\\>'),
    ('javascript:alert(1) and JavaScript:x', 'javascript\\:alert\\(1\\) and JavaScript\\:x'),
    ('see www.attacker.example', 'see www\\.attacker.example'),
    ('A & B | C', 'A \\& B \\| C'),
    ('back\\slash *star* _under_ `tick` ~tilde~', 'back\\\\slash \\*star\\* \\_under\\_ \\`tick\\` \\~tilde\\~'),
    ('line one\nline two\r\n\tthree', 'line one line two three'),
    ('_lead __init__ snake_case a__b', '\\_lead \\_\\_init\\_\\_ snake_case a\\_\\_b'),
    ('# heading', '\\# heading'),
    ('- item', '\\- item'),
    ('+ item', '\\+ item'),
    ('1. item', '1\\. item'),
    ('2) item', '2\\) item'),
    ('\x1b[31mred\x07', '\\u001b\\[31mred\\u0007'),
])
def test_each_character_markdown_acts_on_is_escaped(payload, escaped):
    assert markdown_text(payload) == escaped


@pytest.mark.parametrize('plain', [
    'Ada Lovelace', 'ada.lovelace@example.com', 'account_id must be', 'users_file', '2025-01-10T09:00:00Z', "O'Brien, Mary-Jane", 'users: 3 of 5',
    '0b000000-0000-4000-8000-000000000001',
])
def test_plain_names_emails_and_times_are_left_as_they_are(plain):
    assert markdown_text(plain) == plain


def test_the_role_escapes_with_the_same_function():
    assert FilterModule().filters()['markdown_text'] is _markdown.markdown_text


AT = '2026-12-02T06:00:00Z'


def test_the_drift_table_escapes_names_emails_and_the_times_of_the_evidence():
    entries = [
        {'email': '<script>@example.com', 'action': 'update', 'field': 'name', 'before': '<img src=x onerror=alert(1)>',
         'after': '[x](javascript:alert(1))'},
        {'email': 'idle@example.com', 'action': 'release_inactive', 'field': 'access_seat', 'before': True,
         'after': False, 'days_inactive': 100, 'never_logged_in': False, 'last_successful_login': '<javascript:x>'},
    ]
    table = drift_table(entries)
    assert table.splitlines()[2:] == [
        '| \\<script\\>@example.com | update | name | \\<img src=x onerror=alert\\(1\\)\\> | '
        '\\[x\\]\\(javascript\\:alert\\(1\\)\\) |  |',
        '| idle@example.com | release_inactive | access_seat | true | false | last login \\<javascript\\:x\\> (100 days '
        'ago) |',
    ]
    html = RENDERER.render(table)
    assert html.count('<tr>') == 3 and html.count('<td>') == 12
    assert not any(tag in html for tag in MARKUP), html


def test_the_drift_md_of_a_failure_escapes_the_message_and_each_problem():
    report = drift_report(AT, True, {}, [], failure={
        'msg': 'Invalid users: users[0] name <img src=x onerror=alert(1)>',
        'errors': ['users[0]: <script>alert(1)</script>', '# [x](javascript:alert(1))']})
    text = drift_markdown(report)
    assert '**The run failed**: Invalid users: users\\[0\\] name \\<img src=x onerror=alert\\(1\\)\\>\n' in text
    assert '- users\\[0\\]: \\<script\\>alert\\(1\\)\\</script\\>\n' in text
    assert '- \\# \\[x\\]\\(javascript\\:alert\\(1\\)\\)\n' in text
    html = RENDERER.render(text)
    assert html.count('<li>') == 2 and html.count('<h1>') == 1
    assert not any(tag in html for tag in MARKUP if tag not in ('<li', '<h1', '<strong')), html
    assert html.count('<strong>') == 1
