# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# The escaping of the module's drift.md (module_utils/results/markdown.py), for a playbook that writes Markdown of its own:
# the same code, not a copy of it.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: markdown_text
short_description: Text that Markdown shows as it is, never as HTML or a link
version_added: 1.1.0
description:
  - Returns the input on one line (every run of whitespace, line breaks included, becomes one space), with a backslash
    before each character that could start HTML, an entity, a link, an autolink, emphasis, code or a table cell (the
    backslash itself, the backquote, asterisk, underscore, tilde, square brackets, parentheses, angle brackets,
    ampersand and vertical bar), before the colon of a URI scheme such as C(javascript:), before the dot of C(www.),
    and before a character that would start a block at the start of the line (a heading, a list). Control characters
    are written as C(\u001b) (a backslash, then the code).
  - The drift reports of M(cloudflare_ops.zero_trust.cloudflare_zt_users) and of the P(cloudflare_ops.zero_trust.reconcile#role)
    role escape every text from the API or the task with it (names, emails, messages), so that AWX, GitLab or GitHub,
    which render C(drift.md), show a name such as C(<img src=x onerror=...>) as the characters it is.
options:
  _input:
    description: The text (any other value is turned into text first).
    type: raw
    required: true
author:
  - cloudflare_ops maintainers
'''

EXAMPLES = r'''
- name: Write a message into a Markdown file as text
  ansible.builtin.copy:
    content: "**The run failed**: {{ result.msg | cloudflare_ops.zero_trust.markdown_text }}\n"
    dest: /tmp/report.md
    mode: "0644"

# "<img src=x onerror=alert(1)> [x](javascript:alert(1))" becomes
# "\<img src=x onerror=alert\(1\)\> \[x\]\(javascript\:alert\(1\)\)"
'''

RETURN = r'''
_value:
  description: The text, escaped for Markdown, on one line.
  type: string
'''

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.results.markdown import markdown_text


class FilterModule(object):

    def filters(self):
        return {'markdown_text': markdown_text}
