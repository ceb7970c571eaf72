# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The client's failures word for word (api/client.py): what a failed answer says of its status, its errors, its body,
its retries, and whether a write it answered may have been done."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.client import parse_retry_after
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import (
    CloudflareAPIError,
    CloudflareNotFoundError,
    CloudflareRateLimitError,
    CloudflareResponseError,
)
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.module_utils.test_client import FakeResponse, failure, make_client, ok


def rate_limited(retry_after, errors=True):
    response = failure(429, 971, 'Please wait') if errors else FakeResponse(429, {'success': False, 'errors': [], 'result': None})
    response.headers = {'Retry-After': retry_after}
    return response


def test_a_rate_limit_that_outlasts_the_wait_says_how_many_retries_and_seconds():
    client, _session, sleeps = make_client([rate_limited('3'), rate_limited('3')], max_retry_wait=5)
    with pytest.raises(CloudflareRateLimitError) as info:
        client.request('GET', '/x')
    assert sleeps == [3.0]
    assert str(info.value) == ('Rate limited by the Cloudflare API (HTTP 429, 971: Please wait) on GET /x; gave up after 1 retry '
                               'and 3.0 s of waiting: the next wait of 3.0 s would exceed max_retry_wait=5 s')
    assert (info.value.status, info.value.waited) == (429, 3.0)


def test_a_rate_limit_without_errors_and_without_a_retry():
    client, _session, _sleeps = make_client([rate_limited('10', errors=False)], max_retry_wait=5)
    with pytest.raises(CloudflareRateLimitError) as info:
        client.request('PATCH', '/x')
    assert str(info.value) == ('Rate limited by the Cloudflare API (HTTP 429) on PATCH /x; gave up after 0 retries and 0.0 s '
                               'of waiting: the next wait of 10.0 s would exceed max_retry_wait=5 s')


@pytest.mark.parametrize('retries, words', [(1, '1 retry'), (2, '2 retries')])
def test_a_failure_after_retries_says_how_many_and_how_long(retries, words):
    client, _session, sleeps = make_client([FakeResponse(503, text='busy')] * retries + [failure(400, 7003, 'No route')])
    with pytest.raises(CloudflareAPIError) as info:
        client.request('GET', '/x')
    assert info.type is CloudflareAPIError  # not a subclass (not found, rate limited)
    assert str(info.value) == ('Cloudflare API error on GET /x: HTTP 400, 7003: No route (after %s and %.1f s of waiting; '
                               'max_retry_wait is 330 s)' % (words, sum(sleeps)))
    assert info.value.waited == sum(sleeps) > 0


def test_errors_and_an_error_chain_that_are_not_lists_are_left_out():
    body = {'success': False, 'errors': 'no list', 'error_chain': {'code': 1}, 'result': None}
    client, _session, _sleeps = make_client([FakeResponse(400, body)])
    with pytest.raises(CloudflareAPIError) as info:
        client.request('GET', '/x')
    assert str(info.value) == 'Cloudflare API error on GET /x: HTTP 400'
    assert (info.value.errors, info.value.error_chain) == ([], [])


def test_an_envelope_without_errors_adds_nothing_to_the_status():
    client, _session, _sleeps = make_client([FakeResponse(409, {'success': False, 'errors': [], 'result': None})])
    with pytest.raises(CloudflareAPIError) as info:
        client.request('GET', '/x')
    assert str(info.value) == 'Cloudflare API error on GET /x: HTTP 409'


def test_an_error_chain_is_named_word_for_word():
    client, _session, _sleeps = make_client([failure(400, 6003, 'Invalid request headers',
                                                     error_chain=[{'code': 6111, 'message': 'Invalid format'}])])
    with pytest.raises(CloudflareAPIError) as info:
        client.request('GET', '/x')
    assert str(info.value) == 'Cloudflare API error on GET /x: HTTP 400, 6003: Invalid request headers (error chain: 6111: Invalid format)'
    assert info.value.error_chain == [{'code': 6111, 'message': 'Invalid format'}]


def test_a_404_is_not_found_and_a_400_is_not():
    client, _session, _sleeps = make_client([failure(404, 1001, 'gone'), failure(400, 1002, 'bad')])
    with pytest.raises(CloudflareNotFoundError):
        client.request('GET', '/x')
    with pytest.raises(CloudflareAPIError) as info:
        client.request('GET', '/x')
    assert not isinstance(info.value, CloudflareNotFoundError)


def test_a_server_error_page_on_a_write_is_named_and_may_have_been_done():
    client, _session, _sleeps = make_client([FakeResponse(500, text='<html>oops</html>'), FakeResponse(500, text='')])
    with pytest.raises(CloudflareAPIError) as info:
        client.request('POST', '/x')
    assert str(info.value) == 'Cloudflare API error on POST /x: HTTP 500, body: <html>oops</html>'
    assert info.value.unconfirmed is True
    with pytest.raises(CloudflareAPIError) as info:
        client.request('POST', '/x')
    assert str(info.value) == 'Cloudflare API error on POST /x: HTTP 500'
    assert info.value.unconfirmed is True


def test_a_server_error_in_the_envelope_on_a_write_was_refused():
    client, _session, _sleeps = make_client([failure(500, 10000, 'internal')])
    with pytest.raises(CloudflareAPIError) as info:
        client.request('POST', '/x')
    assert info.value.unconfirmed is False


@pytest.mark.parametrize('body, headers, detail', [
    ({'message': 'm', 'error': 'e', 'error_description': 'd'}, {'Content-Type': 'application/json'}, 'm: e: d (application/json)'),
    ({'error': 'e', 'detail': 'e'}, {}, 'e (unknown content-type)'),
    ({'b': 1, 'a': 2}, {}, '{"a": 2, "b": 1} (unknown content-type)'),
])
def test_json_that_is_not_the_envelope_is_named_by_its_readable_fields(body, headers, detail):
    client, _session, _sleeps = make_client([FakeResponse(403, body, headers=headers)])
    with pytest.raises(CloudflareAPIError) as info:
        client.request('GET', '/x')
    assert str(info.value) == 'Cloudflare API error on GET /x: HTTP 403, %s' % detail


def test_a_result_of_the_wrong_type_names_the_type_expected():
    client, _session, _sleeps = make_client([ok({'id': 'x'})])
    with pytest.raises(CloudflareResponseError) as info:
        client.result('GET', '/x', expect=(list,))
    assert str(info.value) == 'The Cloudflare API answered GET /x with a "result" of type dict where a list was expected'


@pytest.mark.parametrize('method, unconfirmed', [('GET', False), ('PUT', True), ('DELETE', True)])
def test_a_contradiction_of_a_write_leaves_its_outcome_unknown(method, unconfirmed):
    client, _session, _sleeps = make_client([])
    error = client.contradiction(method, '/x', 'another user')
    assert str(error) == 'The Cloudflare API answered %s /x with another user; nothing was done with that answer' % method
    assert (error.method, error.path, error.unconfirmed) == (method, '/x', unconfirmed)


def test_a_retry_after_below_a_second_is_kept_as_it_is():
    assert parse_retry_after('0.5') == 0.5
    when = 1767225600.0     # 2026-01-01T00:00:00Z
    assert parse_retry_after(email.utils.formatdate(when, usegmt=True), now=when - 0.5) == 0.5


def test_requests_the_budget_cannot_carry_are_refused_before_any_is_sent():
    from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import CloudflareBudgetError
    client, session, _sleeps = make_client([], max_retry_wait=10)
    client.waited = 2.0
    with pytest.raises(CloudflareBudgetError) as info:
        client.check_affordable(1081, 'The plan')
    assert str(info.value) == (
        "The plan needs 1081 requests: Cloudflare's rate limit makes them wait at least 301 s, more than max_retry_wait=10 s "
        "leaves (2 s waited already); nothing of it was sent. The budget: 1200 requests per 300 s (the documented limit: "
        "no answer said more), 120 kept in reserve")
    assert info.value.waited == 2.0 and session.calls == []
    client.budget.answered({'Ratelimit': '"default";r=0;t=50', 'Ratelimit-Policy': '"default";q=100;w=60'}, 0.0)
    with pytest.raises(CloudflareBudgetError) as info:
        client.check_affordable(1, 'The rename')
    assert str(info.value).startswith("The rename needs 1 request: Cloudflare's rate limit makes them wait at least ")


def test_a_result_sends_the_query_and_a_wrong_type_leaves_a_write_unknown():
    client, session, _sleeps = make_client([ok({'a': 1}), ok([]), ok([])])
    assert client.result('GET', '/x', params={'page': 2}) == {'a': 1}
    assert session.calls[0]['params'] == {'page': 2}
    with pytest.raises(CloudflareResponseError) as info:
        client.result('GET', '/x')
    assert info.value.unconfirmed is False
    with pytest.raises(CloudflareResponseError) as info:
        client.result('PUT', '/x', body={})
    assert info.value.unconfirmed is True and (info.value.method, info.value.path) == ('PUT', '/x')
