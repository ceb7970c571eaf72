# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# cloudflare_zt_users: the people of an account as one list. One read of the account, one plan checked
# whole, then the writes in the plan's order (creates, renames, the batched seat PATCH, the revocations,
# deletes), paced under the rate limit.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._account import Account, plan_record
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._endpoints import list_users
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._errors import PartialWriteError
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._inactivity import utc_now
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._options import users_task
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._plan import Inactivity, plan_users
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._report import drift_entries, drift_table, prepared_diff, user_views
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._runners.writes import Pacer, WriteLog, accept, ordered_writes, send_plan


def users_report(plan, answers):
    """The views of the users that change, and the result keys that report them."""
    views = user_views(plan, answers)
    drift = drift_entries(views)
    return views, {
        'users': [v.after() for v in views],
        'summary': dict(plan.summary(), changed_users=len(views)),
        'drift': drift,
        'drift_table': drift_table(drift),
    }


def run_users(module, client):
    """The runner of cloudflare_zt_users (see _module.run_module)."""
    task = users_task(module.params)
    inactivity = Inactivity(task.policy, utc_now()) if task.policy is not None else None
    plan, problems = plan_users(Account(list_users(client, keep=plan_record)), task.items,
                                exclusive_seats=task.exclusive_seats, inactivity=inactivity,
                                revoke_sessions=task.revoke_sessions, revoke_devices=task.revoke_devices)
    accept(module, 'Cannot reconcile the users of account %s' % client.account_id, plan, problems)
    log = WriteLog(ordered_writes(plan, task.batch_size), Pacer(task.write_rate))
    if plan.changed and not module.check_mode:
        try:
            send_plan(client, plan, log, task.batch_size)
        except PartialWriteError as exc:
            # What the plan was and what the creates answered goes with the failure (the role writes it).
            exc.extra.update(users_report(plan, log.answers)[1])
            raise
        for warning in log.warnings():
            module.warn(warning)
    views, report = users_report(plan, log.answers)
    result = dict(report, changed=plan.changed)
    if module._diff:
        result['diff'] = {'prepared': prepared_diff(views)}
    return result
