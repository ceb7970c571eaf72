# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# cloudflare_zt_user: one user, planned by the same code as cloudflare_zt_users (a one-item plan over the
# records found by id or email), reported as a record.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._errors import OptionsError, PlanError
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._plan import (
    Account,
    parse_user_items,
    plan_record,
    plan_users,
)
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._runners.writes import WriteLog
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._endpoints import (
    create_user,
    delete_user,
    find_users_by_email,
    get_user,
    update_user_name,
    user_record,
)


def sorted_record(record):
    """A copy of the record with its keys in sorted order (for stable diffs and results)."""
    return dict((key, record[key]) for key in sorted(record))


def predicted_new_user(email, name=None):
    """What a create is expected to return, as far as it can be known beforehand (no id)."""
    record = {'email': email, 'access_seat': False, 'gateway_seat': False}
    if name is not None:
        record['name'] = name
    return sorted_record(record)


def run_user(module, client):
    """The runner of cloudflare_zt_user: identify, plan, send (unless in check mode), report."""
    params = module.params
    wanted = dict((k, params.get(k)) for k in ('email', 'user_id', 'name', 'state'))
    items, problems = parse_user_items([wanted], single=True)
    if problems:
        raise OptionsError('; '.join(problems))
    item = items[0]
    if item.user_id is not None:
        found = get_user(client, item.user_id)
        records = [found] if found is not None else []
    else:
        records = find_users_by_email(client, item.email)
    # The plan reads the records reduced to fields of the expected types; the result reports the whole record.
    plan, problems = plan_users(Account([plan_record(r) for r in records]), items, create_needs_name=False)
    if problems:
        raise PlanError('Cannot manage the user in account %s' % client.account_id, problems)

    # One item: at most one write, and (the plan refused ambiguity) at most one record.
    write = (plan.creates + plan.renames + plan.deletes or [None])[0]
    current = records[0] if records else None
    before = sorted_record(user_record(current)) if current is not None else {}
    if write is None:
        after = before
    elif write.action == 'create':
        after = predicted_new_user(item.email, item.name)
    elif write.action == 'rename':
        after = sorted_record(dict(before, name=item.name))
    else:
        after = {}

    user = shown = after
    if write is not None and not module.check_mode:
        log = WriteLog(client, [write.done()])
        if write.action == 'create':
            # The diff shows the created record: its id and seat_uid could not be predicted.
            user = shown = sorted_record(user_record(log.send(1, lambda: create_user(client, item.email, item.name))))
        elif write.action == 'rename':
            # The diff stays the prediction (the same in check mode and for real); the result is the API's answer.
            user = sorted_record(user_record(log.send(1, lambda: update_user_name(
                client, write.record['id'], write.record['email'], item.name))))
        else:
            log.send(1, lambda: delete_user(client, write.record['id']))
    result = {'changed': write is not None, 'user': user}
    if module._diff:
        result['diff'] = {'before': before, 'after': shown}
    return result
