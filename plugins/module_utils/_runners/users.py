# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# cloudflare_zt_users: the people of an account as one list. One read of the account, one plan checked
# whole, then the writes in the plan's order (creates, renames, the batched seat PATCH, the revocations,
# deletes), paced under the rate limit; every result, failures included, ends as the drift report
# (report_dir: drift.json and drift.md, written here, on the host that runs the module).

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.parameters import remove_values

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._options import FULL, applied_detail, users_task
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._runners.writes import (
    Pacer,
    WriteLog,
    accept,
    afford,
    judged_inactivity,
    send_plan,
    write_requests,
)
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import PartialWriteError
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.operations import list_users
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.account import Account, plan_record
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.inactivity import utc_now
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.plan import plan_users
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.results.report import (
    drift_entries,
    drift_report,
    drift_table,
    prepared_diff,
    user_views,
    write_report,
)


def users_report(plan, answers, asked_detail):
    """The views of the users that change, and the result keys that report them: the counts and the drift entries
    always (the drift report is made of them), the per-user lists only when the result is full (see applied_detail)."""
    views = user_views(plan, answers)
    drift = drift_entries(views)
    detail = applied_detail(asked_detail, len(views))
    full = detail == FULL
    return views, {
        'users': [v.after() for v in views] if full else [],
        'summary': dict(plan.summary(), changed_users=len(views)),
        'drift': drift,
        'drift_table': drift_table(drift) if full else '',
        'result_detail': detail,
    }


def run_users(module, client):
    """The runner of cloudflare_zt_users (see _module.run_module; finish_users ends every result)."""
    task = users_task(module.params)
    account = Account(list_users(client, keep=plan_record))
    inactivity, clock = judged_inactivity(module, client, task.policy)
    plan, problems = plan_users(account, task.items,
                                exclusive_seats=task.exclusive_seats, inactivity=inactivity,
                                revoke_sessions=task.revoke_sessions, revoke_devices=task.revoke_devices,
                                max_removals=task.max_removals, allow_mass_removal=task.allow_mass_removal)
    accept(module, 'Cannot reconcile the users of account %s' % client.account_id, plan, problems,
           report=lambda: dict(users_report(plan, {}, task.result_detail)[1], **clock))
    log = WriteLog(plan.steps(task.batch_size), Pacer(task.write_rate))
    if plan.changed:
        afford(module, client, write_requests(log.steps, task.batch_size), 'The plan for account %s' % client.account_id,
               own_interval=1.0 / task.write_rate)
    if plan.changed and not module.check_mode:
        try:
            send_plan(client, log, task.batch_size)
        except PartialWriteError as exc:
            # What the plan was and what the creates answered goes with the failure, and into the drift report.
            exc.extra.update(users_report(plan, log.answers, task.result_detail)[1], **clock)
            raise
        for warning in log.warnings():
            module.warn(warning)
    views, report = users_report(plan, log.answers, task.result_detail)
    result = dict(report, changed=plan.changed, removal_guard=plan.removals.result(), **clock)
    if module._diff:
        result['diff'] = {'prepared': prepared_diff(views)}
    return result


def finish_users(module, result):
    """Every result of cloudflare_zt_users, failed ones included: the drift report made of it (RV(report)), written to
    report_dir when it is set; then the drift entries leave a result that is a summary (they stay in the files)."""
    failed = bool(result.get('failed'))
    report = drift_report(utc_now().strftime('%Y-%m-%dT%H:%M:%SZ'), module.check_mode, result.get('summary'),
                          result.get('drift'), failure=result if failed else None,
                          api_requests=result.get('api_requests'), rate_limit_wait=result.get('rate_limit_wait'))
    result.setdefault('result_detail', applied_detail(module.params.get('result_detail'), 0))
    directory = module.params.get('report_dir')
    if directory:
        try:
            result['report_files'] = write_report(directory, report)
        except (OSError, ValueError) as exc:
            # The task's own outcome (changed, written) stands; the report's failure is said after its message.
            problem = 'The drift report could not be written to %s: %s.' % (directory, exc)
            result.update(failed=True, msg=' '.join(part for part in (result.get('msg'), problem) if part))
    if result['result_detail'] != FULL:
        result['drift'] = []
        report = dict((key, value) for key, value in report.items() if key != 'drift')
    result['report'] = report
    return result


class UsersModule(AnsibleModule):
    """cloudflare_zt_users' AnsibleModule. Options that Ansible refuses while it builds the module (a value it cannot
    convert, an unsupported or missing option) fail inside the constructor, before run_module: that failure ends as
    every other one, in finish_users' drift report (written to report_dir when it is set), so that the reconcile role
    has no report of its own to make."""

    _built = False

    def __init__(self, *args, **kwargs):
        super(UsersModule, self).__init__(*args, **kwargs)
        self._built = True

    def fail_json(self, msg, **kwargs):
        if not self._built:
            # Ansible removes the no_log values from a result when it leaves; the report file is written before.
            result = finish_users(self, dict(kwargs, failed=True, check_mode=self.check_mode,
                                             msg=remove_values(msg, self.no_log_values)))
            result.pop('failed')
            msg = result.pop('msg')
            kwargs = result
        super(UsersModule, self).fail_json(msg, **kwargs)
