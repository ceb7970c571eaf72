# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# cloudflare_zt_users' release_inactive through main() over the fake API at a fixed "now" (the users, drift entries and
# table it reports), and how the drift report's files are written (beside their final names, then renamed).

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
from datetime import datetime, timezone

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._runners import users as users_runner
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._runners import writes as writes_runner
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.results import report as report_module
from ansible_collections.cloudflare_ops.zero_trust.plugins.modules import cloudflare_zt_users
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.emulated_api import make_user, run_module

NOW = datetime(2026, 12, 1, 12, 0, 0, tzinfo=timezone.utc)


def run(args, check_mode=False):
    result = run_module(cloudflare_zt_users, args, check_mode=check_mode)
    result.pop('invocation', None)
    return result


def test_release_inactive_reports_each_release_with_its_evidence(api, monkeypatch):
    monkeypatch.setattr(writes_runner, 'utc_now', lambda: NOW)
    old, recent = make_user(0, access=True), make_user(1, gateway=True)
    old['last_successful_login'] = '2025-12-01T12:00:00Z'
    recent['last_successful_login'] = '2026-11-30T12:00:00Z'
    api.users[:] = [old, recent]
    result = run({'users': [], 'release_inactive': {'days': 90}})
    evidence = {'days_inactive': 365, 'never_logged_in': False, 'last_successful_login': '2025-12-01T12:00:00Z'}
    assert result['users'] == [{'email': old['email'], 'user_id': old['id'], 'action': 'release_inactive',
                                'access_seat': False, 'inactivity': evidence}]
    assert result['drift'] == [dict({'email': old['email'], 'action': 'release_inactive', 'field': 'access_seat',
                                     'before': True, 'after': False}, **evidence)]
    assert result['drift_table'] == ('| email | action | field | before | after | evidence |\n|---|---|---|---|---|---|\n'
                                     '| %s | release_inactive | access_seat | true | false | last login 2025-12-01T12:00:00Z '
                                     '(365 days ago) |\n' % old['email'])
    assert result['summary']['released_inactive'] == 1
    assert api.patches() == [[{'seat_uid': old['seat_uid'], 'access_seat': False, 'gateway_seat': False}]]


def test_the_report_files_are_written_beside_their_names_then_renamed(api, tmp_path, monkeypatch):
    renamed = []
    real_rename = os.rename

    def rename(source, target):
        renamed.append((source, target))
        return real_rename(source, target)

    monkeypatch.setattr(report_module.os, 'rename', rename)
    directory = str(tmp_path / 'reports')
    paths = users_runner.write_report(directory, {'generated_at': 'now', 'check_mode': True, 'failed': False, 'summary': {},
                                                  'drift': [], 'api_requests': {}, 'rate_limit_wait': 0.0})
    assert paths == {'json': os.path.join(directory, 'drift.json'), 'markdown': os.path.join(directory, 'drift.md')}
    assert [target for _source, target in renamed] == [paths['json'], paths['markdown']]
    for (source, target), name in zip(renamed, ('drift.json', 'drift.md')):
        assert os.path.dirname(source) == directory and os.path.basename(source).startswith('.%s.' % name)
    assert json.loads((tmp_path / 'reports' / 'drift.json').read_text(encoding='utf-8'))['generated_at'] == 'now'


def test_the_report_directory_is_made_readable_by_all(api, tmp_path):
    old = os.umask(0)
    try:
        users_runner.write_report(str(tmp_path / 'made'), {'summary': {}, 'drift': [], 'failed': False, 'check_mode': False,
                                                           'generated_at': 'now', 'api_requests': {}, 'rate_limit_wait': 0.0})
    finally:
        os.umask(old)
    assert oct((tmp_path / 'made').stat().st_mode & 0o777) == '0o755'


def test_a_report_file_that_cannot_be_finished_leaves_nothing_behind(api, tmp_path, monkeypatch):
    def chmod(*_args):
        raise OSError(28, 'No space left on device')

    monkeypatch.setattr(report_module.os, 'chmod', chmod)
    with pytest.raises(OSError) as info:
        users_runner.write_report(str(tmp_path), {'summary': {}, 'drift': [], 'failed': False, 'check_mode': False,
                                                  'generated_at': 'now', 'api_requests': {}, 'rate_limit_wait': 0.0})
    assert info.value.errno == 28
    assert os.listdir(str(tmp_path)) == []
