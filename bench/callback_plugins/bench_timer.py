# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Used by bench/bench.py only (not shipped): the wall time of every task, from the moment the
# controller starts it (before its arguments are templated) to the moment its result has been
# processed, written as JSON to the file named by BENCH_TIMINGS_FILE.

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

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._finish()
        self._current = {'name': task.get_name(), 'start': time.monotonic(), 'end': None, 'items': 0,
                         'changed': None, 'failed': False}

    def _result(self, result, failed=False):
        if self._current is not None:
            self._current['end'] = time.monotonic()
            self._current['changed'] = bool(result._result.get('changed'))
            self._current['failed'] = self._current['failed'] or failed

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
                                'items': current['items'], 'changed': current['changed'], 'failed': current['failed']})
            self._current = None

    def v2_playbook_on_stats(self, stats):
        self._finish()
        path = os.environ.get('BENCH_TIMINGS_FILE')
        if path:
            with open(path, 'w') as handle:
                json.dump({'tasks': self._tasks}, handle)
