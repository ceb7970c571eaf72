# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# Text from the API or the task in the drift report's Markdown (drift.md, the drift_table result): AWX, GitLab
# and GitHub render these files, so a name such as <img src=x onerror=...> or [x](javascript:...) must show as
# the characters it is, never as HTML or a link. One function, used by the modules (results/report.py) and by the
# reconcile role (the cloudflare_ops.zero_trust.markdown_text filter).

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.redact import escape_controls

# The characters Markdown acts on inside a line: HTML and entities (< > &), links and images ([ ] ( )), code and
# emphasis (` * _ ~), table cells (|) and the backslash itself. CommonMark shows any backslash-escaped ASCII
# punctuation as it is, so escaping more than needed changes nothing a reader sees. An underscore between two letters
# or digits (account_id) is left: it can neither open nor close emphasis.
_INLINE_RE = re.compile(r'[\\`*~\[\]()<>&|]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])')
# A URI scheme's colon (javascript:..., data:...), and the www. of an extended autolink: escaped so that no renderer
# makes a link of them on its own. A time (09:00) has no letter before its colon at a word's start.
_LINK_RE = re.compile(r'(?i)(\b[a-z][a-z0-9+.-]*)(:)(?=\S)|(\bwww)(\.)')
# What starts a block at the start of a line (a heading, a quote, a list, a rule): the text follows "- " in lists.
_BLOCK_START_RE = re.compile(r'^(#|>|[-+=]|\d+(?=[.)]))')


def markdown_text(value):
    """``value`` as text that Markdown shows as it is: on one line (whitespace runs, line breaks included, become one
    space), with every character that could start HTML, a link, an autolink, emphasis, code or a table cell escaped
    with a backslash, and control characters written as ``\\u001b`` (after the backslashes are escaped, so that the
    two cannot be confused)."""
    text = ' '.join(str(value).split())
    text = _INLINE_RE.sub(lambda match: '\\' + match.group(), text)
    text = _LINK_RE.sub(lambda match: '%s\\%s' % (match.group(1) or match.group(3), match.group(2) or match.group(4)),
                        text)
    text = _BLOCK_START_RE.sub(lambda match: match.group() + '\\' if match.group().isdigit() else '\\' + match.group(),
                               text)
    return escape_controls(text)
