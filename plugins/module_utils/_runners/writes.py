# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# How the runners send a plan: in a fixed order, paced, and on a failure stopping with the lists of
# what was written and what was not.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._errors import CloudflareError, PartialWriteError, PlanError
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._endpoints import patch_seats

# How many entries of each list a failure message names (the result holds them all).
NAMED_IN_MESSAGE = 10


def accept(module, what, plan, problems):
    """Refuse a plan that has problems (PlanError: nothing was written), else pass its warnings on to the user."""
    if problems:
        raise PlanError(what, problems)
    for warning in plan.warnings:
        module.warn(warning)


class Pacer(object):
    """Spaces writes at most ``rate`` per second, so that a large task never runs into Cloudflare's 429 block."""

    def __init__(self, rate=None, clock=time.monotonic, sleep=time.sleep):
        self.interval = 1.0 / rate if rate else 0.0
        self._clock = clock
        self._sleep = sleep
        self._next = None

    def wait(self):
        now = self._clock()
        if self._next is not None and now < self._next:
            self._sleep(self._next - now)
            now = self._next
        self._next = now + self.interval


def _named(entries):
    shown = ', '.join('%s %s' % (e['action'], e.get('email') or e.get('seat_uid') or e.get('user_id'))
                      for e in entries[:NAMED_IN_MESSAGE])
    more = len(entries) - NAMED_IN_MESSAGE
    return shown + (' and %d more' % more if more > 0 else '') if entries else 'none'


class WriteLog(object):
    """The writes of a task in order: ``entries`` is the whole plan, ``done`` how many of them succeeded."""

    def __init__(self, client, entries, pacer=None):
        self.client = client
        self.entries = entries
        self.done = 0
        self.pacer = pacer or Pacer()

    def send(self, count, request):
        """Send ``request()`` for the next ``count`` entries; on failure stop the task with what was and was not written."""
        self.pacer.wait()
        try:
            answer = request()
        except CloudflareError as exc:
            raise self.failure(exc.message, cause=exc)
        self.done += count
        return answer

    def failure(self, message, cause=None, extra=None):
        written, not_written = self.entries[:self.done], self.entries[self.done:]
        text = ('%s. Written before it: %d of %d (%s). Not written: %d (%s). Run the task again: it reads the account '
                'afresh and sends only what is still different.' % (
                    message.rstrip('.'), len(written), len(self.entries), _named(written), len(not_written), _named(not_written)))
        return PartialWriteError(text, written, not_written, cause=cause, extra=extra)


def seat_entry(change):
    return {'action': 'seat', 'email': change.email, 'user_id': change.record.get('id'),
            'seat_uid': change.record.get('seat_uid')}


def send_seat_changes(log, changes, batch_size):
    """PATCH ``changes`` in batches of ``batch_size``; return seat_uid (lower case) -> flags as the API answered."""
    applied = {}
    for start in range(0, len(changes), batch_size):
        batch = changes[start:start + batch_size]
        applied.update(log.send(len(batch), lambda batch=batch: patch_seats(log.client, [c.patch_item() for c in batch])))
    return applied
