# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""results/report.py: how much a result lists (result_detail), and the drift report's document and Markdown text."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._options import RESULT_DETAIL_LIMIT, applied_detail
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.results.report import (
    drift_markdown,
    drift_report,
)

AT = '2026-12-02T06:00:00Z'
SUMMARY = {'listed': 2, 'changed_users': 1, 'created': 0, 'renamed': 1, 'deleted': 0, 'seats_changed': 0,
           'seats_released': 0, 'released_by_exclusive': 0, 'released_inactive': 0, 'sessions_revoked': 2}
RENAME = {'email': 'grace@example.com', 'action': 'update', 'field': 'name', 'before': 'Grace | Hoper', 'after': 'Grace'}


def test_auto_lists_every_item_up_to_the_limit_and_counts_above_it():
    assert applied_detail('auto', 0) == 'full'
    assert applied_detail('auto', RESULT_DETAIL_LIMIT) == 'full'
    assert applied_detail('auto', RESULT_DETAIL_LIMIT + 1) == 'summary'
    assert applied_detail(None, RESULT_DETAIL_LIMIT + 1) == 'summary'
    assert applied_detail('full', 10 * RESULT_DETAIL_LIMIT) == 'full'
    assert applied_detail('summary', 1) == 'summary'


def test_a_report_that_succeeded_has_its_keys_in_order_and_no_failure_keys():
    report = drift_report(AT, 1, SUMMARY, [RENAME])
    assert list(report) == ['generated_at', 'check_mode', 'failed', 'summary', 'drift', 'api_requests', 'rate_limit_wait']
    assert report['check_mode'] is True and report['failed'] is False and report['drift'] == [RENAME]
    assert json.loads(json.dumps(report)) == report
    empty = {'generated_at': AT, 'check_mode': False, 'failed': False, 'summary': {}, 'drift': [], 'api_requests': {},
             'rate_limit_wait': 0.0}
    assert drift_report(AT, False, None, None) == empty


def test_a_failed_report_says_why_and_what_was_and_was_not_written_even_when_the_failure_did_not():
    written = [{'action': 'create', 'email': 'a@example.com', 'user_id': 'x'}]
    report = drift_report(AT, False, SUMMARY, [RENAME], failure={'msg': 'PUT refused', 'written': written, 'other': 1})
    assert list(report)[7:] == ['msg', 'errors', 'written', 'not_written', 'unknown']
    assert report['failed'] is True and report['msg'] == 'PUT refused'
    assert report['written'] == written and report['errors'] == [] and report['not_written'] == []
    assert 'other' not in report


def test_the_markdown_of_a_check_mode_report_has_the_counts_and_one_row_per_entry():
    lines = drift_markdown(drift_report(AT, True, SUMMARY, [RENAME], api_requests={'GET': 10, 'PATCH': 1},
                                        rate_limit_wait=1.5)).splitlines()
    assert lines[:6] == ['# Cloudflare Zero Trust drift', '', 'Check mode: what a real run would change. Nothing was '
                         'changed.', 'Generated at %s.' % AT,
                         'Requests sent to the API: GET 10, PATCH 1; waited 1.5 s for the rate limit.', '']
    assert lines[6].startswith('| users listed | users changing | to create | to rename |')
    assert lines[6].endswith('| released for inactivity | sessions revoked |')
    assert lines[7] == '|' + '|'.join(['---:'] * 10) + '|'
    assert lines[8] == '| 2 | 1 | 0 | 1 | 0 | 0 | 0 | 0 | 0 | 2 |'
    assert '| grace@example.com | update | name | Grace \\| Hoper | Grace |  |' in lines
    assert 'No drift' not in '\n'.join(lines)


def test_a_count_the_table_does_not_name_follows_under_its_own_key():
    lines = drift_markdown(drift_report(AT, False, dict(SUMMARY, new_count=11), [])).splitlines()
    assert lines[4] == 'Requests sent to the API: none; waited 0.0 s for the rate limit.'
    assert lines[6].endswith('| released for inactivity | sessions revoked | new_count |')
    assert lines[8].endswith('| 0 | 2 | 11 |')
    assert lines[2] == 'Real run: the drift found before this run changed it.'
    assert lines[-1] == 'No drift: the account matches the wanted users.'


def test_the_markdown_of_a_failure_names_the_problems_and_the_writes_on_one_line_each():
    report = drift_report(AT, False, {}, [], failure={
        'msg': 'Refused:\nsee errors', 'errors': ['users[0]: bad\nemail', 'users[1]: twice'],
        'written': [{'action': 'create'}], 'not_written': [{'action': 'seat'}, {'action': 'delete'}]})
    text = drift_markdown(report)
    assert '**The run failed**: Refused: see errors\n\nRefused, nothing was written:\n\n- users\\[0\\]: bad email\n' \
           '- users\\[1\\]: twice\n\nWritten before the failure: 1; not written: 2.\n' in text
    assert '| users listed' not in text and 'No drift' not in text
    report['unknown'] = [{'action': 'update'}]
    assert 'Written before the failure: 1; not written: 2; outcome unknown: 1.\n' in drift_markdown(report)
