# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# cloudflare_zt_user: one user, planned and sent by the same code as cloudflare_zt_users (a one-item
# plan over the records found by id or email), reported as a record.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._options import user_item
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._runners.writes import WriteLog, send_plan
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import PlanError
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.operations import find_users_by_email, get_user
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.account import Account, plan_record
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.changes import CREATE, DELETE
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.plan import plan_users
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.results.report import prepared_diff, user_record, user_views


def predicted_user(current, write, item):
    """The user after the task as far as it can be known beforehand (a create has no id yet)."""
    if write is None:
        return current
    if write.action == CREATE:
        return user_record(dict({'email': item.email, 'access_seat': False, 'gateway_seat': False},
                                **({'name': item.name} if item.name is not None else {})))
    if write.action == DELETE:
        return {}
    return user_record(dict(current, name=item.name))


def run_user(module, client):
    """The runner of cloudflare_zt_user: identify, plan, send (unless in check mode), report."""
    item = user_item(module.params)
    if item.user_id is not None:
        found = get_user(client, item.user_id)
        records = [found] if found is not None else []
    else:
        records = find_users_by_email(client, item.email)
    # The plan reads the records reduced to fields of the expected types; the result reports the whole record.
    plan, problems = plan_users(Account([plan_record(r) for r in records]), [item], create_needs_name=False)
    if problems:
        raise PlanError('Cannot manage the user in account %s' % client.account_id, problems)

    # One item: at most one write, and (the plan refused ambiguity) at most one record.
    log = WriteLog(plan.steps(1))
    write = log.writes[0] if log.writes else None
    user = predicted_user(user_record(records[0]) if records else {}, write, item)
    if write is not None and not module.check_mode:
        send_plan(client, log, batch_size=1)
        if write.action != DELETE:
            user = user_record(log.answers[id(write)])
    result = {'changed': write is not None, 'user': user}
    if module._diff:
        result['diff'] = {'prepared': prepared_diff(user_views(plan, log.answers))}
    return result
