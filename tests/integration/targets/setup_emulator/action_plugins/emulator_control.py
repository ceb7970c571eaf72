# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Test helper: one request to a test server's control API (the emulator's /__emulator__/...), from the controller.

The integration targets read and reset the emulator about 300 times per run. ansible.builtin.uri starts a module
process for each (half a second of CPU here); this action answers in the controller's worker, which makes
`make test` about 2.5 CPU minutes shorter per ansible-core that runs every target.

Options: url, method (GET), body (a value sent as JSON, or JSON text), status_code (a list; [200]).
Returns status and json (the decoded answer, or None when it is empty).
"""

from __future__ import annotations

import json
from urllib.error import HTTPError, URLError
from urllib.request import ProxyHandler, Request, build_opener

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

# The control APIs are on 127.0.0.1: no proxy from the environment may stand in between.
_OPENER = build_opener(ProxyHandler({}))


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(('url', 'method', 'body', 'status_code'))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self._task.args
        url = args.get('url')
        if not isinstance(url, str) or not url.startswith(('http://', 'https://')):
            raise AnsibleActionFail('emulator_control: url must be an http(s) URL, got %r' % (url,))
        method = str(args.get('method', 'GET')).upper()
        expected = [int(code) for code in args.get('status_code', [200])]
        data = None
        headers = {}
        body = args.get('body')
        if body is not None:
            # A string is JSON already (as the uri module takes it with body_format json).
            data = (body if isinstance(body, str) else json.dumps(body)).encode('utf-8')
            headers['Content-Type'] = 'application/json'
        request = Request(url, data=data, headers=headers, method=method)
        try:
            with _OPENER.open(request, timeout=60) as answer:
                status, text = answer.status, answer.read()
        except HTTPError as error:
            status, text = error.code, error.read()
        except (URLError, OSError) as error:
            raise AnsibleActionFail('emulator_control: %s %s failed: %s' % (method, url, error)) from error
        if status not in expected:
            raise AnsibleActionFail('emulator_control: %s %s answered %d (expected %s): %s' % (
                method, url, status, expected, text[:500].decode('utf-8', 'replace')))
        try:
            decoded = json.loads(text) if text.strip() else None
        except ValueError as error:
            raise AnsibleActionFail('emulator_control: %s %s answered text that is not JSON' % (method, url)) from error
        result.update(changed=False, status=status, json=decoded)
        return result
