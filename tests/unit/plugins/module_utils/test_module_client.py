# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""_module.py: the client a task gets from its options, and the failure of a host without requests."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.module_utils.ansible_release import __version__ as ANSIBLE_VERSION
from ansible.module_utils.basic import missing_required_lib

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils import _module
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._version import COLLECTION_VERSION
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.module_utils.test_module import ACCOUNT, TOKEN, Exit, FakeModule


def test_the_client_follows_every_connection_option():
    module = FakeModule()
    module.params.update(account_id=ACCOUNT.upper(), timeout=12, validate_certs=False, max_retry_wait=45,
                         rate_limit_reserve=25.0, api_base_url='https://api.example.test/client/v4/', list_concurrency=7)
    client = _module.client_for(module, {})
    assert client.account_id == ACCOUNT
    assert client.list_concurrency == 7
    assert (client.base_url, client.max_retry_wait, client.budget.reserve) == ('https://api.example.test/client/v4', 45, 0.25)
    assert (client.transport.timeout, client.transport.validate_certs) == (12, False)
    assert client.transport.session.headers['User-Agent'] == 'cloudflare_ops.zero_trust/%s (ansible-core %s)' % (
        COLLECTION_VERSION, ANSIBLE_VERSION)
    assert client.transport.session.headers['Authorization'] == 'Bearer ' + TOKEN
    assert client.redact('a ' + TOKEN) == 'a ********'


def test_the_reserve_is_ten_percent_when_the_module_has_no_such_option():
    module = FakeModule()
    module.params.pop('rate_limit_reserve', None)
    assert _module.client_for(module, {}).budget.reserve == 0.1


def test_a_listing_reads_four_pages_at_once_when_the_module_has_no_such_option():
    module = FakeModule()
    module.params.pop('list_concurrency', None)
    assert _module.client_for(module, {}).list_concurrency == 4


def test_a_host_without_requests_fails_saying_so(monkeypatch):
    monkeypatch.setattr(_module, 'HAS_REQUESTS', False)
    monkeypatch.setattr(_module, 'REQUESTS_IMPORT_ERROR', ImportError('No module named requests'))
    module = FakeModule(check_mode=True)
    with pytest.raises(Exit):
        _module.run_module(module, lambda m, c: {'changed': False}, report_check_mode=True)
    assert module.result == {'failed': True, 'check_mode': True, 'msg': missing_required_lib('requests'),
                             'exception': 'No module named requests'}
