# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the result of a failed cloudflare_zt_users task still says: ``check_mode`` (documented "returned: always",
read by the role's report) when a connection option is refused, and ``changed`` when a write failed after others
were done."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.cloudflare_ops.zero_trust.plugins.modules import cloudflare_zt_users
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.emulated_api import make_user, run_module


def test_cloudflare_zt_users_reports_check_mode_also_when_a_connection_option_is_refused(api):
    """RETURN documents ``check_mode`` as "returned: always" (the role's report reads it, also on failure): a refused
    connection option (here account_id) fails through the same fail_json as every failure of _module.run_module."""
    result = run_module(cloudflare_zt_users, {'users': [], 'account_id': 'not-an-account'}, check_mode=True)
    assert result['failed'] is True and 'account_id' in result['msg']
    assert result.get('check_mode') is True


def test_a_failed_write_after_others_succeeded_reports_changed(api):
    """A write that fails after others were done (``written`` not empty) reports ``changed: true``, so that handlers
    and ``changed_when`` see the change (_module.run_module's partial-write branch)."""
    api.users[:] = [make_user(0)]
    api.fail('PUT', status=403)
    result = run_module(cloudflare_zt_users, {'users': [{'email': 'new@example.com', 'name': 'New'},
                                                        {'email': 'user0000@example.com', 'name': 'X'}],
                                              'max_retry_wait': 0})
    assert result['failed'] is True and len(result['written']) == 1
    assert result.get('changed') is True


def test_options_ansible_refuses_are_reported_as_every_failure_and_written_to_report_dir(api, tmp_path):
    """A value Ansible cannot convert fails inside AnsibleModule's constructor, before run_module: UsersModule still
    makes the drift report of that failure with the module's own code (the reconcile role makes none of its own), and
    writes both files to report_dir, a no_log value kept out of them."""
    directory = tmp_path / 'reports'
    result = run_module(cloudflare_zt_users, {'users': [], 'write_rate': 'fast', 'api_key': 'fast-secret-key',
                                              'report_dir': str(directory)}, check_mode=True)
    assert result['failed'] is True and 'write_rate' in result['msg']
    report = result['report']
    assert (report['failed'], report['check_mode'], report['msg'], report['drift']) == (True, True, result['msg'], [])
    assert (report['errors'], report['written'], report['not_written'], report['unknown']) == ([], [], [], [])
    assert result['check_mode'] is True
    assert result['report_files'] == {'json': str(directory / 'drift.json'), 'markdown': str(directory / 'drift.md')}
    assert json.loads((directory / 'drift.json').read_text(encoding='utf-8')) == report
    markdown = (directory / 'drift.md').read_text(encoding='utf-8')
    assert markdown.startswith('# Cloudflare Zero Trust drift\n\n**The run failed**: ')
    assert 'Check mode: what a real run would change. Nothing was changed.' in markdown


def test_an_unsupported_option_is_reported_with_its_name_escaped_in_drift_md(api, tmp_path):
    result = run_module(cloudflare_zt_users, {'users': [], '<img src=x>': 1, 'report_dir': str(tmp_path)})
    assert result['msg'].startswith('Unsupported parameters') and result['report']['msg'] == result['msg']
    markdown = (tmp_path / 'drift.md').read_text(encoding='utf-8')
    assert '\\<img src=x\\>' in markdown and '<' not in markdown.replace('\\<', '')


def test_a_module_that_was_built_fails_as_before(api, tmp_path):
    """Only a failure while the module is built goes through UsersModule's report: a failure of the task is reported
    once, by run_module's finish_users."""
    result = run_module(cloudflare_zt_users, {'users': [{'email': 'nobody'}], 'report_dir': str(tmp_path)})
    assert result['failed'] is True and result['report']['errors'] == result['errors']
