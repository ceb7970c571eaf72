# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Used by bench/bench.py only (not shipped): the wall time of every task, from the moment the
# controller starts it (before its arguments are templated) to the moment its result has been
# processed, written as JSON to the file named by BENCH_TIMINGS_FILE; its start and end as offsets from
# the start of the playbook (so that a role's span, first task to last, can be read); and whether the
# result carried a diff prepared by the module (diff: {prepared: ...}) and that text's length.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = '''
name: bench_timer
type: aggregate
short_description: Record the wall time of every task for bench/bench.py
description:
  - Writes one JSON object per run to the file named by the environment variable E(BENCH_TIMINGS_FILE).
requirements:
  - enabled in ANSIBLE_CALLBACKS_ENABLED
'''

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'bench_timer'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self._tasks = []
        self._current = None
        self._origin = time.monotonic()

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._finish()
        self._current = {'name': task.get_name(), 'start': time.monotonic(), 'end': None, 'items': 0,
                         'changed': None, 'failed': False, 'diff': None}

    def _result(self, result, failed=False):
        if self._current is not None:
            self._current['end'] = time.monotonic()
            self._current['changed'] = bool(result._result.get('changed'))
            self._current['failed'] = self._current['failed'] or failed
            diff = result._result.get('diff')
            if isinstance(diff, dict):
                prepared = diff.get('prepared')
                self._current['diff'] = {'keys': sorted(diff), 'prepared_chars': len(prepared) if isinstance(prepared, str) else None}
            elif isinstance(diff, list) and diff:
                self._current['diff'] = {'keys': sorted(set(k for d in diff if isinstance(d, dict) for k in d)),
                                         'prepared_chars': None}

    def v2_runner_on_ok(self, result):
        self._result(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._result(result, failed=True)

    def v2_runner_item_on_ok(self, result):
        if self._current is not None:
            self._current['items'] += 1

    def v2_runner_item_on_failed(self, result):
        if self._current is not None:
            self._current['items'] += 1
            self._current['failed'] = True

    def _finish(self):
        if self._current is not None:
            current = self._current
            end = current['end'] if current['end'] is not None else time.monotonic()
            self._tasks.append({'name': current['name'], 'seconds': round(end - current['start'], 4),
                                'start': round(current['start'] - self._origin, 4), 'end': round(end - self._origin, 4),
                                'items': current['items'], 'changed': current['changed'], 'failed': current['failed'],
                                'diff': current['diff']})
            self._current = None

    def v2_playbook_on_stats(self, stats):
        self._finish()
        path = os.environ.get('BENCH_TIMINGS_FILE')
        if path:
            with open(path, 'w') as handle:
                json.dump({'tasks': self._tasks}, handle)
