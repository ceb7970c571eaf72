# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# How the runners send a plan: in the plan's one order (UsersPlan.steps, SeatPlan.steps), paced, and on a failure
# stopping with the lists of what was written, what was not, and what was sent without a usable answer
# (the write log).

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import time

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import (
    CloudflareBudgetError,
    CloudflareError,
    PartialWriteError,
    PlanError,
    SeatsNotConfirmed,
)
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.identifiers import match_key
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.operations import (
    create_user,
    delete_user,
    patch_seats,
    revoke_user,
    update_user_name,
)
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.account import plan_record
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.changes import (
    CREATE_USER,
    DELETE_USER,
    EDIT_SEATS,
    REVOKE_USER,
    UPDATE_USER,
    NewSeat,
    Revocation,
    SeatChange,
)
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.inactivity import judged_clock, utc_now
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.plan import Inactivity, unsendable
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.results.report import write_entry

# How many entries of each list a failure message names (the result holds them all).
NAMED_IN_MESSAGE = 10


def accept(module, what, plan, problems, report=None):
    """Refuse a plan that has problems, or that the removal guard stops (PlanError: nothing was written, in check mode
    as in a real run), else pass its warnings on to the user. ``report()`` gives the result keys that show a refused
    plan (its counts and drift), so that a person sees what a real run would have done."""
    if problems:
        raise PlanError(what, problems)
    for warning in plan.warnings:
        module.warn(warning)
    if plan.removals is not None and plan.removals.refused:
        extra = dict(report() if report else {}, removal_guard=plan.removals.result())
        raise PlanError(what, [plan.removals.message('The plan')], extra)


def judged_inactivity(module, client, policy):
    """The Inactivity of a release_inactive policy, judged on Cloudflare's clock (the Date of the answers read so
    far), and the result key that says which clock it was; the controller's clock is named in a warning when it is
    off. (None, {}) without a policy."""
    if policy is None:
        return None, {}
    now, clock, warning = judged_clock(client.server_clock.offset, utc_now())
    if warning:
        module.warn(warning)
    return Inactivity(policy, now), {'clock': clock}


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
    """The writes of a plan, computed once: ``steps`` (plan.steps: (operation, writes), in the order they are sent) and
    ``writes``, all of them in that order. ``done`` of them were sent and confirmed; ``answers`` maps id(write) to the
    record the API answered for a create or a rename (a new user's id and seat_uid, the record after);
    ``taken_as_sent`` counts the seats of PATCHes answered without ``result``, taken as applied."""

    def __init__(self, steps, pacer=None):
        self.steps = steps
        self.writes = [write for _operation, writes in steps for write in writes]
        self.done = 0
        self.answers = {}
        self.taken_as_sent = 0
        self.pacer = pacer or Pacer()

    def send(self, batch, request):
        """Send ``request()`` for the next writes, ``batch``; on failure stop the task with what was written, what
        was not, and what was sent without a usable answer (unknown: only a new read can tell)."""
        self.pacer.wait()
        try:
            answer = request()
        except SeatsNotConfirmed as exc:
            confirmed = [w for w in batch if match_key(w.seat_uid(self.answers)) in exc.confirmed]
            raise self.failure(exc.message, cause=exc, written=confirmed,
                               unknown=[w for w in batch if w not in confirmed], failing=batch)
        except CloudflareError as exc:
            raise self.failure(exc.message, cause=exc, unknown=batch if exc.unconfirmed else (), failing=batch)
        self.done += len(batch)
        return answer

    def failure(self, message, cause=None, written=(), unknown=(), failing=()):
        """The PartialWriteError of a failure after ``done`` writes; ``written`` and ``unknown`` are the writes of the
        failing request (``failing``) that its answer confirmed, or that it leaves unknown."""
        settled = set(id(w) for w in list(written) + list(unknown))
        leavers = _leavers_note(failing, self.writes[:self.done] + list(written), settled)
        written = [write_entry(w, self.answers) for w in self.writes[:self.done] + list(written)]
        unknown = [write_entry(w, self.answers) for w in unknown]
        not_written = [write_entry(w, self.answers) for w in self.writes[self.done:] if id(w) not in settled]
        text = '%s. Written before it: %d of %d (%s). Not written: %d (%s).' % (
            message.rstrip('.'), len(written), len(self.writes), _named(written), len(not_written), _named(not_written))
        if unknown:
            text += (' Outcome unknown: %d (%s): sent, but no usable answer says whether it was applied.' % (
                len(unknown), _named(unknown)))
            text += (' Run the task again: it reads the account afresh, finds out what was applied, and sends only what '
                     'is still different.')
        else:
            text += ' Run the task again: it reads the account afresh and sends only what is still different.'
        return PartialWriteError(text + leavers, written, not_written, cause=cause, unknown=unknown)

    def warnings(self):
        """What the user should know of writes that succeeded: those taken as applied without confirmation."""
        count = self.taken_as_sent
        if not count:
            return []
        return ['The API answered a seat PATCH without a result: %d seat%s %s reported as sent, unconfirmed (the API '
                'makes the result optional; a read, or the task run again in check mode, shows what Cloudflare holds)' % (
                    count, '' if count == 1 else 's', 'is' if count == 1 else 'are')]


def _emails(writes):
    emails = [w.email or '(id %s)' % w.record.get('id') for w in writes]
    more = len(emails) - NAMED_IN_MESSAGE
    return ', '.join(emails[:NAMED_IN_MESSAGE]) + (' and %d more' % more if more > 0 else '')


def _leavers_note(failing, written, settled):
    """What a failure means for the leavers (see plan.seat_steps: their sessions are revoked before their seat is
    released or their record deleted): whose sessions are still live, and who was revoked but keeps a seat."""
    note = ''
    live = [w for w in failing if isinstance(w, Revocation) and id(w) not in settled]
    if live:
        note += (' The sessions of %s are still live: the revocation failed, so the task stopped before releasing '
                 'their seat or deleting their record. Run the task again once the cause is fixed: it revokes them, '
                 'then releases or deletes them; or revoke their sessions in the Zero Trust dashboard now.' % (
                     _emails(live)))
    removing = set(id(w) for w in failing if not isinstance(w, Revocation))
    revoked = [w for w in written if isinstance(w, Revocation) and id(w.cause) in removing]
    if revoked:
        note += (' Sessions revoked, seat not released or record not deleted: %s. A new run releases or deletes them '
                 '(and revokes their sessions again, which is harmless).' % _emails(revoked))
    return note


def send_seat_changes(client, log, writes, batch_size):
    """PATCH the seat ``writes`` (SeatChange, or NewSeat once its create answered) in batches of ``batch_size``; the
    answer of each must confirm its seats as sent (patch_seats), or the task stops."""
    changes = [_seat_change(log, w) for w in writes]
    for start in range(0, len(writes), batch_size):
        batch = changes[start:start + batch_size]
        confirmed = log.send(writes[start:start + batch_size],
                             lambda batch=batch: patch_seats(client, [c.patch_item() for c in batch]))
        if not confirmed:
            log.taken_as_sent += len(batch)     # answered without result: taken as sent, and said so


def _seat_change(log, write):
    if not isinstance(write, NewSeat):
        return write
    record = plan_record(log.answers[id(write.create)])
    problem = unsendable(record)
    if problem:
        raise log.failure('The API created %s, but %s, so its seats cannot be set' % (write.email, problem))
    return SeatChange(record, write.access_seat, write.gateway_seat)


_SEND = {
    CREATE_USER: lambda client, w: create_user(client, w.item.email, w.item.name),
    UPDATE_USER: lambda client, w: update_user_name(client, w.record['id'], w.record['email'], w.item.name),
    DELETE_USER: lambda client, w: delete_user(client, w.record['id']),
    REVOKE_USER: lambda client, w: revoke_user(client, w.email, devices=w.devices),
}


def send_plan(client, log, batch_size):
    """Send the steps of ``log`` (a WriteLog) in their order: each answer is checked against its question before
    anything acts on it (api/operations.py); the record a create or a rename answers is kept in ``log.answers``."""
    for operation, writes in log.steps:
        if operation == EDIT_SEATS:
            send_seat_changes(client, log, writes, batch_size)
            continue
        for write in writes:
            answer = log.send([write], lambda w=write, operation=operation: _SEND[operation](client, w))
            if answer is not None:
                log.answers[id(write)] = answer


def write_requests(steps, batch_size):
    """How many requests send_plan sends for the steps of a plan: one per create, rename, revocation and delete, one
    per PATCH of at most ``batch_size`` seats."""
    return sum(int(math.ceil(len(writes) / float(batch_size))) if operation == EDIT_SEATS else len(writes)
               for operation, writes in steps)


def afford(module, client, count, what, own_interval=0.0):
    """Before the first write: fail when the rate limit cannot carry the ``count`` write requests within
    max_retry_wait (CloudflareBudgetError, nothing written); in check mode, say so in a warning."""
    try:
        client.check_affordable(count, what, own_interval)
    except CloudflareBudgetError as exc:
        if not module.check_mode:
            raise
        module.warn('A real run would fail: %s' % exc.message)
