# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# cloudflare_zt_seat: check the wanted seats, read the account once (or a few users), plan, PATCH the
# changes in batches of seat_batch_size (each followed by the revocations of the users it released).

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._options import DEFAULT_WRITE_RATE, FULL, applied_detail, seat_task
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._runners.writes import (
    Pacer,
    WriteLog,
    accept,
    afford,
    judged_inactivity,
    send_plan,
    write_requests,
)
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.identifiers import match_key
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.operations import find_users_by_email, get_user, list_users
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.account import Account, plan_record, record_key
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.plan import SeatPlan, plan_seats
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.results.report import seat_diff, seat_view

# Up to this many distinct users named by email or user_id (and no seat_uid, no exclusive_seats), the module looks
# them up one by one (GET by id: 1 read; list filtered by email: 1 read) instead of listing the account (1 read per
# 1000 users). Documented in the module's notes: keep the two in step.
LOOKUP_THRESHOLD = 5


def lookup_one_by_one(items, whole_account):
    """True when looking the items up one by one costs less than listing the account.

    Only for up to LOOKUP_THRESHOLD distinct users named by email or user_id: seat_uid has no filter in the API,
    and exclusive_seats and release_inactive need every seat holder anyway.
    """
    if whole_account or not items or any(item.seat_uid is not None for item in items):
        return False
    return len(set(match_key(value) for item in items for _kind, value in item.identifiers)) <= LOOKUP_THRESHOLD


def read_records(client, items, whole_account):
    """The records the plan needs: a few looked up one by one, or the whole account listed once."""
    if not lookup_one_by_one(items, whole_account):
        return list_users(client, keep=plan_record)
    records, seen, asked = [], set(), {}
    for item in items:
        kind, value = item.identifiers[0]
        asked.setdefault((kind, match_key(value)), value)    # the first spelling, as typed, goes to the API's filter
    for (kind, _key), value in sorted(asked.items()):
        if kind == 'user_id':
            found = get_user(client, value)
            found = [found] if found is not None else []
        else:
            found = find_users_by_email(client, value)
        for record in found:
            record = plan_record(record)
            if record_key(record) not in seen:
                seen.add(record_key(record))
                records.append(record)
    return records


def run_seat(module, client):
    """The runner of cloudflare_zt_seat (see _module.run_module)."""
    task = seat_task(module.params)
    plan = SeatPlan([], 0)
    result = {'changed': False, 'seats': [], 'summary': plan.summary(),
              'result_detail': applied_detail(task.result_detail, 0)}
    if task.items or task.exclusive_seats or task.policy is not None:
        # exclusive_seats, release_inactive and a max_removals percentage all need every seat holder of the account.
        records = read_records(client, task.items, task.exclusive_seats or task.policy is not None
                               or task.max_removals.needs_account)
        inactivity, clock = judged_inactivity(module, client, task.policy)
        result.update(clock)
        plan, problems = plan_seats(Account(records), task.items, exclusive=task.exclusive_seats, single=task.single,
                                    inactivity=inactivity, revoke_sessions=task.revoke_sessions,
                                    revoke_devices=task.revoke_devices, max_removals=task.max_removals,
                                    allow_mass_removal=task.allow_mass_removal)
        accept(module, 'Cannot change the seats of account %s' % client.account_id, plan, problems,
               report=lambda: dict(clock, summary=plan.summary(), seats=[
                   seat_view(c.record, c.access_seat, c.gateway_seat) for c in plan.changes]
                   if applied_detail(task.result_detail, len(plan.changes)) == FULL else []))
        result['removal_guard'] = plan.removals.result()
        # The module has no write_rate: its PATCHes are few, but a revocation is one request per user, so with
        # revocations the writes go at cloudflare_zt_users' default rate.
        log = WriteLog(plan.steps(task.batch_size), Pacer(DEFAULT_WRITE_RATE if plan.revocations else None))
        if plan.changes:
            afford(module, client, write_requests(log.steps, task.batch_size),
                   'The seat changes of account %s' % client.account_id, own_interval=log.pacer.interval)
        if plan.changes and not module.check_mode:
            # Every PATCH answer is checked against the seats sent (a seat it does not confirm stops the task), so
            # the seats after are the plan's.
            send_plan(client, log, task.batch_size)
            for warning in log.warnings():
                module.warn(warning)
        revoking = dict((record_key(r.record), r) for r in plan.revocations)

        # The single form reports its one seat whatever it asks; a list, as result_detail says (see applied_detail).
        detail = FULL if plan.single is not None else applied_detail(task.result_detail, len(plan.changes))
        if plan.single is not None:
            record, access, gateway = plan.single
            result['seats'] = [seat_view(record, access, gateway, revoking.get(record_key(record)))]
        elif detail == FULL:
            result['seats'] = [seat_view(c.record, c.access_seat, c.gateway_seat, revoking.get(record_key(c.record)),
                                         c.evidence) for c in plan.changes]
        result['result_detail'] = detail
        result['changed'] = bool(plan.changes)
        result['summary'] = plan.summary()
    if module._diff:
        result['diff'] = {'prepared': seat_diff(plan.changes, plan.revocations)}
    return result
