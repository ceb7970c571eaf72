# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the result of a failed cloudflare_zt_users task still says: ``check_mode`` (documented "returned: always",
read by the role's report) when a connection option is refused, and ``changed`` when a write failed after others
were done."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

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
