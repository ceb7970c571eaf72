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
    """``repr(value)`` for a message, cut past ``limit`` characters with the length of the value said (a 10 KB
    user_id is not echoed whole)."""
    text = repr(value)
    if len(text) <= limit:
        return text
    return '%s... (%d characters)' % (text[:limit], len(value) if isinstance(value, str) else len(text))


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
