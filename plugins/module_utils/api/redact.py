# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# No credential leaves the collection: every text and every result that may quote an answer, a URL or
# an exception passes through one Redactor, built from the task's secrets.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

MASK = '********'
# Messages quote values from the API and the task at most this long.
SHORT_TEXT = 200


# The longest value a message quotes whole with quoted().
QUOTED_MAX = 60
# The C0 controls but tab and line feed, DEL, and the C1 controls (ESC starts terminal sequences, CR overwrites).
_CONTROL_RE = re.compile('[\x00-\x08\x0b-\x1f\x7f-\x9f]')


def escape_controls(text):
    """``text`` with each control character written as ``\\u001b`` (text from the API may hold ESC or BEL, which
    a terminal or a Markdown viewer would act on)."""
    return _CONTROL_RE.sub(lambda match: '\\u%04x' % ord(match.group()), text)


def shorten(text, limit=SHORT_TEXT):
    """``text`` on one line, control characters escaped, cut to ``limit`` characters."""
    text = escape_controls(' '.join(str(text).split()))
    return text if len(text) <= limit else text[:limit] + '...'


def quoted(value, limit=QUOTED_MAX):
    """``repr(value)`` for a message, cut past ``limit`` characters with the size of the value said (a 10 KB
    user_id is not echoed whole).

    Only the start of the value is turned into text: a value read from a file may be a list that holds itself a
    thousand times over (a YAML alias bomb), whose whole repr() would take gigabytes.
    """
    parts = []
    _write_repr(value, parts, limit + 1)
    text = ''.join(parts)
    if len(text) <= limit:
        return text
    return '%s... (%s)' % (text[:limit], _size(value))


def clipped(text, limit=QUOTED_MAX):
    """``text`` (a string) cut past ``limit`` characters, with its length said: for a name a message shows as it
    is, unquoted (an unsupported key of an item)."""
    return text if len(text) <= limit else '%s... (%d characters)' % (text[:limit], len(text))


# The brackets of the containers quoted() writes member by member.
_BRACKETS = ((dict, '{', '}'), (list, '[', ']'), (tuple, '(', ')'), (set, '{', '}'), (frozenset, '{', '}'))


def _write_repr(value, parts, left):
    """Append the start of ``repr(value)`` to ``parts``: all of it, or at least ``left`` characters. Return how many
    characters were still wanted (0 or less: enough). Each level of a nested value writes at least its opening
    bracket, so the recursion is no deeper than ``left``."""
    if left <= 0:
        return left
    brackets = [(opening, closing) for kind, opening, closing in _BRACKETS if isinstance(value, kind)]
    if not brackets or not value:
        # A string is cut before repr() (whose escapes make it longer, never shorter); other scalars are short.
        text = repr(value[:left]) if isinstance(value, (str, bytes)) else repr(value)
        parts.append(text)
        return left - len(text)
    opening, closing = brackets[0]
    parts.append(opening)
    left -= len(opening)
    for index, member in enumerate(value.items() if isinstance(value, dict) else value):
        if left <= 0:
            return left
        if index:
            parts.append(', ')
            left -= 2
        if isinstance(value, dict):
            left = _write_repr(member[0], parts, left)
            if left <= 0:
                return left
            parts.append(': ')
            left = _write_repr(member[1], parts, left - 2)
        else:
            left = _write_repr(member, parts, left)
    if isinstance(value, tuple) and len(value) == 1:
        closing = ',)'
    parts.append(closing)
    return left - len(closing)


def _size(value):
    """The size of a value quoted() cut, in words."""
    if isinstance(value, str):
        return '%d characters' % len(value)
    if isinstance(value, bytes):
        return '%d bytes' % len(value)
    if isinstance(value, dict):
        return 'a dict of %d key%s' % (len(value), '' if len(value) == 1 else 's')
    if isinstance(value, (list, tuple, set, frozenset)):
        return 'a %s of %d item%s' % (type(value).__name__, len(value), '' if len(value) == 1 else 's')
    return '%d characters' % len(repr(value))


class Redactor(object):
    """Removes the task's secrets (credentials, proxy passwords) from texts and JSON-like data."""

    def __init__(self, secrets=()):
        self.secrets = tuple(s for s in secrets if s)

    def add(self, secrets):
        self.secrets = self.secrets + tuple(s for s in secrets if s and s not in self.secrets)

    def text(self, text):
        text = str(text)
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return text

    def data(self, data):
        """``data`` (dicts, lists, strings) with every secret removed from its strings, keys included."""
        if isinstance(data, dict):
            return dict((self.text(key) if isinstance(key, str) else key, self.data(value))
                        for key, value in data.items())
        if isinstance(data, (list, tuple)):
            return [self.data(value) for value in data]
        if isinstance(data, str):
            return self.text(data)
        return data

    def short(self, text, limit=SHORT_TEXT):
        """Redacted first, then shortened: a credential cut in two by the limit would escape redaction."""
        return shorten(self.text(text), limit)

    def error(self, exc):
        """A CloudflareError with its message and structured parts redacted (returned for ``raise``)."""
        exc.message = self.text(exc.message)
        exc.args = (exc.message,)
        exc.errors = self.data(exc.errors)
        exc.error_chain = self.data(exc.error_chain)
        return exc
