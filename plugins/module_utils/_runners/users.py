# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# cloudflare_zt_users: the people of an account as one list. One read of the account, one plan checked
# whole, then creates, renames, the seat PATCH (batched) and deletes, paced under the rate limit.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._errors import (
    NOTHING_WRITTEN,
    OptionsError,
    PartialWriteError,
)
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._plan import (
    Account,
    SeatChange,
    drift_entries,
    drift_table,
    parse_user_items,
    plan_record,
    plan_users,
    prepared_diff,
    unsendable,
    user_views,
    users_options,
)
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._runners.seat import check_batch_size, inactivity_option
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._runners.writes import (
    Pacer,
    WriteLog,
    accept,
    seat_entry,
    send_seat_changes,
)
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._endpoints import (
    create_user,
    delete_user,
    list_users,
    update_user_name,
)


def check_write_rate(value):
    if value is None or not (math.isfinite(value) and value > 0):
        raise OptionsError('write_rate must be a number of writes per second greater than 0, got %s; %s' % (
            value, NOTHING_WRITTEN))


def plan_entries(plan):
    """Every write of the plan in the order it is sent, one entry per user or seat (``written``/``not_written``)."""
    entries = [w.done() for w in plan.creates + plan.renames]
    entries.extend(seat_entry(c) for c in plan.seats)
    entries.extend({'action': 'seat', 'email': create.email, 'user_id': None, 'seat_uid': None}
                   for create, _access, _gateway in plan.new_seats)
    entries.extend(w.done() for w in plan.deletes)
    return entries


def apply_plan(client, plan, batch_size, pacer, report):
    """Send the plan; return {id(create): the record the API answered}. ``report(created)`` gives the failure's extras."""
    log = WriteLog(client, plan_entries(plan), pacer)
    created = {}
    try:
        for write in plan.creates:
            created[id(write)] = log.send(1, lambda w=write: create_user(client, w.item.email, w.item.name))
            log.entries[log.done - 1]['user_id'] = created[id(write)]['id']
        for write in plan.renames:
            log.send(1, lambda w=write: update_user_name(client, w.record['id'], w.record['email'], w.item.name))
        changes = list(plan.seats)
        for create, access, gateway in plan.new_seats:
            record = plan_record(created[id(create)])
            problem = unsendable(record)
            if problem:
                raise log.failure('The API created %s, but %s, so its seats cannot be set' % (create.email, problem))
            changes.append(SeatChange(record, access, gateway))
        send_seat_changes(log, changes, batch_size)
        for write in plan.deletes:
            log.send(1, lambda w=write: delete_user(client, w.record['id']))
    except PartialWriteError as exc:
        # The report of what the plan was and what the creates answered goes with the failure (the role writes it).
        exc.extra.update(report(created))
        raise
    return created


def users_report(plan, created):
    views = user_views(plan, created)
    drift = drift_entries(views)
    return views, {
        'users': [v.after() for v in views],
        'summary': dict(plan.summary(), changed_users=len(views)),
        'drift': drift,
        'drift_table': drift_table(drift),
    }


def run_users(module, client):
    """The runner of cloudflare_zt_users (see _module.run_module)."""
    params = module.params
    raw, exclusive = users_options(params)
    check_batch_size(params.get('seat_batch_size'))
    check_write_rate(params.get('write_rate'))
    inactivity = inactivity_option(params)
    items, problems = parse_user_items(raw)
    if problems:
        raise OptionsError('Invalid users, %s and no request was sent: %s' % (NOTHING_WRITTEN, '; '.join(problems)))

    plan, problems = plan_users(Account(list_users(client, keep=plan_record)), items, exclusive_seats=exclusive,
                                inactivity=inactivity)
    accept(module, 'Cannot reconcile the users of account %s' % client.account_id, plan, problems)
    created = {}
    if plan.changed and not module.check_mode:
        created = apply_plan(client, plan, params['seat_batch_size'], Pacer(params['write_rate']),
                             lambda done: users_report(plan, done)[1])
    views, report = users_report(plan, created)
    result = dict(report, changed=plan.changed)
    if module._diff:
        result['diff'] = {'prepared': prepared_diff(views)}
    return result
