# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""How long the client retries a failed exchange (max_retry_wait, the connect limit), what its failure says and
carries, and the failures of an answer that cannot be used, with their method, path, status and outcome."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import requests

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api import client as _client
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import (
    CloudflareAPIError,
    CloudflareResponseError,
    CloudflareTransportError,
)
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.module_utils.test_client import (
    FakeResponse,
    connection_refused,
    make_client,
)


@pytest.fixture
def doubling(monkeypatch):
    """Backoff without jitter: 1, 2, 4, 8 ... s."""
    monkeypatch.setattr(_client, 'backoff_delay', lambda attempt: float(2 ** attempt))


def timeouts(count):
    return [requests.exceptions.ReadTimeout('read timed out') for _answer in range(count)]


@pytest.mark.parametrize('max_retry_wait, note', [
    (3, ' (after 2 retries and 3.0 s of waiting; max_retry_wait is 3 s)'),       # a wait of exactly what is left
    (330, ' (after 8 retries and 255.0 s of waiting; max_retry_wait is 330 s)'),  # not the connect limit
    (0.5, ''),
])
def test_a_read_is_retried_within_max_retry_wait_and_its_failure_says_how_long(doubling, max_retry_wait, note):
    client, session, sleeps = make_client(timeouts(20), max_retry_wait=max_retry_wait)
    with pytest.raises(CloudflareTransportError) as info:
        client.request('GET', '/x')
    assert str(info.value) == 'No answer within timeout=30 s on GET /x' + note
    assert len(session.calls) == len(sleeps) + 1
    assert (info.value.method, info.value.path, info.value.waited) == ('GET', '/x', sum(sleeps))
    assert info.value.unconfirmed is False


def test_a_refused_connection_is_retried_for_the_connect_limit_and_its_failure_says_so(doubling):
    client, _session, sleeps = make_client([connection_refused() for _answer in range(20)], max_retry_wait=330)
    with pytest.raises(CloudflareTransportError) as info:
        client.request('POST', '/x')
    assert sleeps == [1.0, 2.0, 4.0]
    assert str(info.value) == (
        'Cannot connect to http://cf.test/client/v4 (Failed to establish a new connection: [Errno 111] refused) on POST '
        '/x (after 3 retries and 7.0 s of waiting; max_retry_wait is 330 s); a connection that is refused or whose host '
        'does not resolve is retried for at most 10 s')
    assert (info.value.method, info.value.path, info.value.waited, info.value.unconfirmed) == ('POST', '/x', 7.0, False)


def test_a_write_that_timed_out_is_not_retried_and_its_outcome_is_unknown():
    client, session, _sleeps = make_client(timeouts(2))
    with pytest.raises(CloudflareTransportError) as info:
        client.request('POST', '/x')
    assert len(session.calls) == 1 and info.value.unconfirmed is True


# --- answers that cannot be used ------------------------------------------------------------------------------


# Each answer is made inside the test: mutmut runs the mutants in a process forked after the tests ran once.
@pytest.mark.parametrize('answer, method, unconfirmed, problem', [
    (lambda: FakeResponse(200, text='<html>ok</html>', headers={'Content-Type': 'text/html'}), 'GET', False,
     'a body that is not JSON (content-type text/html): <html>ok</html>'),
    (lambda: FakeResponse(200, text='<html>ok</html>', headers={'Content-Type': 'text/html'}), 'POST', True,
     'a body that is not JSON (content-type text/html): <html>ok</html>'),
    (lambda: FakeResponse(200, text='[' * 100 + ']' * 100), 'GET', False,
     'a body that cannot be used: JSON nested deeper than 32 levels'),
    (lambda: FakeResponse(200, text='[' * 100 + ']' * 100), 'DELETE', True,
     'a body that cannot be used: JSON nested deeper than 32 levels'),
    (lambda: FakeResponse(200, {'id': 'a'}), 'GET', False,
     'JSON that is not the Cloudflare envelope (no boolean "success"): {"id": "a"}'),
    (lambda: FakeResponse(200, {'id': 'a'}), 'PUT', True,
     'JSON that is not the Cloudflare envelope (no boolean "success"): {"id": "a"}'),
])
def test_an_answer_that_cannot_be_used_fails_with_its_method_path_status_and_outcome(
        answer, method, unconfirmed, problem):
    client, _session, _sleeps = make_client([answer()])
    with pytest.raises(CloudflareResponseError) as info:
        client.request(method, '/a/b')
    assert str(info.value) == 'The Cloudflare API answered %s /a/b with HTTP 200 and %s' % (method, problem)
    assert (info.value.method, info.value.path, info.value.status) == (method, '/a/b', 200)
    assert info.value.unconfirmed is unconfirmed


def test_http_400_with_a_body_that_is_not_json_is_an_api_error():
    client, _session, _sleeps = make_client([FakeResponse(400, text='<html>Bad Request</html>')])
    with pytest.raises(CloudflareAPIError) as info:
        client.request('GET', '/a/b')
    assert info.value.status == 400


@pytest.mark.parametrize('last', [FakeResponse(400, text='<html>Bad Request</html>'), FakeResponse(400, {'id': 'a'})])
def test_an_error_answer_that_is_not_the_envelope_says_how_long_it_was_retried(doubling, last):
    client, _session, _sleeps = make_client([FakeResponse(503, text='<html>busy</html>'), last])
    with pytest.raises(CloudflareAPIError) as info:
        client.request('GET', '/a/b')
    assert str(info.value).startswith('Cloudflare API error on GET /a/b: HTTP 400, ')
    assert str(info.value).endswith(' (after 1 retry and 1.0 s of waiting; max_retry_wait is 330 s)')


def test_a_refused_connection_gets_ten_seconds_of_retries_in_all(monkeypatch):
    monkeypatch.setattr(_client, 'backoff_delay', lambda attempt: 2.5)
    client, _session, sleeps = make_client([connection_refused() for _answer in range(20)], max_retry_wait=330)
    with pytest.raises(CloudflareTransportError):
        client.request('GET', '/x')
    assert sleeps == [2.5, 2.5, 2.5, 2.5]
