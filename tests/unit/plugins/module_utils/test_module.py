# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""_module.py: the connection options' messages word for word, and run_module, the one place where a failure
becomes fail_json: each kind of failure with its keys, and no credential in any of them."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._module import run_module
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._options import validate_connection
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import CloudflareAPIError, OptionsError, PartialWriteError, PlanError

ACCOUNT = '023e105f4ecef8ad9ca31a8372d0c353'
TOKEN = 'secret-token-abcdefghijklmnopqrstuvwxyz'
BASE = dict(account_id=ACCOUNT, api_base_url='https://api.example.test/client/v4', timeout=30, max_retry_wait=330)


@pytest.mark.parametrize('change, message', [
    (dict(account_id=None), 'account_id is required: set it, or the environment variable CLOUDFLARE_ACCOUNT_ID'),
    (dict(account_id='abc'), "account_id must be a Cloudflare account identifier of 32 hexadecimal characters, got 'abc'"),
    (dict(api_base_url=''), 'api_base_url must be an http:// or https:// URL with a host, got %r' % ''),
    (dict(api_base_url='ftp://h/x'), "api_base_url must be an http:// or https:// URL with a host, got 'ftp://h/x'"),
    (dict(api_base_url='https://h x'), 'api_base_url must be an http:// or https:// URL of printable ASCII characters '
                                       "without spaces, got 'https://h x'"),
    (dict(api_base_url='https://h:99999/'), 'api_base_url must be an http:// or https:// URL with a valid host and port, '
                                            "got 'https://h:99999/'"),
    (dict(api_base_url='https://u:p@h/'), 'api_base_url must be an http:// or https:// URL without a user name or '
                                          'password in it (the URL is shown in messages)'),
    (dict(api_base_url='https://h/?a=1'), 'api_base_url must be an http:// or https:// URL without a query or fragment, '
                                          "got 'https://h/?a=1'"),
    (dict(api_base_url='https://h/#'), 'api_base_url must be an http:// or https:// URL without a query or fragment, '
                                       "got 'https://h/#'"),
    (dict(timeout=0), 'timeout must be a number of seconds greater than 0 and at most 86400, got 0'),
    (dict(timeout=86401), 'timeout must be a number of seconds greater than 0 and at most 86400, got 86401'),
    (dict(timeout=float('nan')), 'timeout must be a number of seconds greater than 0 and at most 86400, got nan'),
    (dict(max_retry_wait=-1), 'max_retry_wait must be a number of seconds from 0 to 86400, got -1'),
    (dict(max_retry_wait=float('inf')), 'max_retry_wait must be a number of seconds from 0 to 86400, got inf'),
])
def test_each_bad_connection_option_is_refused_word_for_word(change, message):
    with pytest.raises(OptionsError) as info:
        validate_connection(dict(BASE, **change))
    assert str(info.value) == message


@pytest.mark.parametrize('change', [dict(timeout=86400), dict(timeout=0.5), dict(max_retry_wait=0),
                                    dict(max_retry_wait=86400), dict(timeout=None, max_retry_wait=None),
                                    dict(api_base_url='http://127.0.0.1:8080')])
def test_connection_options_at_their_bounds_are_accepted(change):
    validate_connection(dict(BASE, **change))


class Exit(Exception):
    pass


class FakeModule(object):
    def __init__(self, check_mode=False):
        self.params = dict(BASE, api_token=TOKEN, api_email=None, api_key=None, validate_certs=True)
        self.check_mode = check_mode
        self.result = None

    def fail_json(self, **result):
        self.result = dict(result, failed=True)
        raise Exit()

    def exit_json(self, **result):
        self.result = result
        raise Exit()


def run(runner, report_check_mode=False, check_mode=False):
    module = FakeModule(check_mode)
    with pytest.raises(Exit):
        run_module(module, runner, report_check_mode=report_check_mode)
    assert TOKEN not in repr(module.result)
    return module.result


def raising(exc):
    def runner(module, client):
        raise exc
    return runner


# What every result says of the rate limit when the runner sent nothing (see test_what_the_task_spent_...).
NOTHING_SPENT = {'api_requests': {}, 'rate_limit_wait': 0.0}


def test_a_result_is_exited_with_check_mode_when_asked():
    assert run(lambda m, c: {'changed': False}) == dict(NOTHING_SPENT, changed=False)
    assert run(lambda m, c: {'changed': True}, report_check_mode=True, check_mode=True) == dict(
        NOTHING_SPENT, changed=True, check_mode=True)


def test_what_the_task_spent_of_the_rate_limit_is_in_every_result():
    def spending(module, client):
        client.api_requests.update(GET=2, PUT=1)
        client.rate_limit_wait = 1.23456
        return {'changed': True}

    def failing(module, client):
        spending(module, client)
        raise PlanError('refused', ['x'])
    assert run(spending) == {'changed': True, 'api_requests': {'GET': 2, 'PUT': 1}, 'rate_limit_wait': 1.235}
    result = run(failing)
    assert result['failed'] is True and (result['api_requests'], result['rate_limit_wait']) == ({'GET': 2, 'PUT': 1}, 1.235)


def test_an_api_failure_carries_its_structured_failure_redacted():
    exc = CloudflareAPIError('HTTP 400 ' + TOKEN, method='GET', path='/p', status=400,
                             errors=[{'code': 1, 'message': TOKEN}])
    result = run(raising(exc), report_check_mode=True)
    assert result == dict(NOTHING_SPENT, failed=True, msg='HTTP 400 ********', check_mode=False, failure={
        'method': 'GET', 'path': '/p', 'status': 400, 'errors': [{'code': 1, 'message': '********'}],
        'error_chain': [], 'waited_seconds': None})


def test_options_and_plan_errors_are_redacted_and_a_plan_names_its_errors():
    assert run(raising(OptionsError('bad ' + TOKEN))) == dict(NOTHING_SPENT, failed=True, msg='bad ********')
    result = run(raising(PlanError('refused', ['seats[0]: ' + TOKEN])))
    assert result == dict(NOTHING_SPENT, failed=True, msg='refused, nothing was written: seats[0]: ********',
                          errors=['seats[0]: ********'])


def test_a_partial_write_says_what_was_written_and_changed():
    cause = CloudflareAPIError('HTTP 500', method='PATCH', path='/s', status=500)
    written = [{'email': 'a@example.com', 'action': 'create'}]
    exc = PartialWriteError('failed after 1 ' + TOKEN, written, [{'email': TOKEN, 'action': 'delete'}], cause=cause,
                            extra={'diff': TOKEN})
    result = run(raising(exc))
    assert result == dict(NOTHING_SPENT, failed=True, msg='failed after 1 ********', written=written, changed=True,
                          not_written=[{'email': '********', 'action': 'delete'}], unknown=[], diff='********',
                          failure=cause.as_dict())
    result = run(raising(PartialWriteError('none', [], [])))
    assert result == dict(NOTHING_SPENT, failed=True, msg='none', written=[], not_written=[], unknown=[], changed=False)


def test_a_write_whose_outcome_is_unknown_is_listed_apart_and_counts_as_a_possible_change():
    unknown = [{'email': 'lost@example.com', 'action': 'create'}]
    result = run(raising(PartialWriteError('lost', [], [], unknown=unknown)))
    assert result == dict(NOTHING_SPENT, failed=True, msg='lost', written=[], not_written=[], unknown=unknown, changed=True)


def test_a_credential_the_server_echoes_in_a_result_is_redacted_from_the_result():
    result = run(lambda m, c: {'changed': False, 'users': [{'name': 'echo ' + TOKEN}]})
    assert result == dict(NOTHING_SPENT, changed=False, users=[{'name': 'echo ********'}])


def test_an_unexpected_error_names_its_type_with_a_redacted_traceback():
    result = run(raising(KeyError(TOKEN)), report_check_mode=True, check_mode=True)
    assert result['msg'] == "Unexpected error: KeyError: '********'"
    assert 'Traceback' in result['exception'] and '********' in result['exception']
    assert result['check_mode'] is True
