# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The client and the rate limit's budget: every attempt waits for it and is counted; a wait beyond max_retry_wait,
a listing that cannot be afforded or that contradicts itself fail before the requests they would cost."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.client import CloudflareClient
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import (
    CloudflareBudgetError,
    CloudflareRateLimitError,
    CloudflareResponseError,
)

ACCOUNT = '023e105f4ecef8ad9ca31a8372d0c353'
TOKEN = 'secret-token-abcdefghijklmnopqrstuvwxyz'
PATH = '/accounts/%s/access/users' % ACCOUNT
USER_ID = '00000000-0000-4000-8000-000000000001'


class Clock(object):
    """Time that passes only when the client sleeps."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


class Answer(object):
    def __init__(self, status, body, headers=None):
        self.status_code = status
        self.headers = dict({'Content-Type': 'application/json'}, **(headers or {}))
        self.text = json.dumps(body)
        self.encoding = 'utf-8'

    def iter_content(self, _size):
        yield self.text.encode('utf-8')

    def close(self):
        pass


class Session(object):
    def __init__(self, script):
        self.script = list(script)
        self.calls = []
        self.headers = {}

    def request(self, method, url, params=None, json=None, **_kwargs):  # pylint: disable=redefined-outer-name
        self.calls.append((method, params))
        return self.script.pop(0)


def budget_headers(left, reset, quota=40, window=10):
    return {'Ratelimit': '"default";r=%d;t=%d' % (left, reset), 'Ratelimit-Policy': '"default";q=%d;w=%d' % (quota, window)}


def page(users, page_number=1, per_page=1000, total_count=None, total_pages=None, headers=None):
    info = {'page': page_number, 'per_page': per_page, 'count': len(users),
            'total_count': len(users) if total_count is None else total_count,
            'total_pages': 1 if total_pages is None else total_pages}
    return Answer(200, {'success': True, 'errors': [], 'messages': [], 'result': users, 'result_info': info}, headers)


def user(number):
    return {'id': '00000000-0000-4000-8000-%012d' % number, 'email': 'user%d@example.com' % number}


def make_client(script, max_retry_wait=330):
    clock = Clock()
    session = Session(script)
    client = CloudflareClient(ACCOUNT, {'Authorization': 'Bearer ' + TOKEN}, base_url='http://cf.test/client/v4',
                              max_retry_wait=max_retry_wait, session=session, sleep=clock.sleep, secrets=(TOKEN,),
                              clock=clock)
    return client, session, clock


def test_every_attempt_is_counted_by_method_retries_included():
    limited = Answer(429, {'success': False, 'errors': [{'code': 971, 'message': 'slow down'}], 'messages': [], 'result': None},
                     {'Retry-After': '3'})
    client, session, clock = make_client([limited, page([user(1)]), Answer(200, {'success': True, 'errors': [],
                                                                                 'messages': [], 'result': None})])
    assert client.paginate(PATH) == [user(1)]
    client.request('PUT', PATH + '/' + USER_ID, body={'name': 'n'})
    assert client.spending() == {'api_requests': {'GET': 2, 'PUT': 1}, 'rate_limit_wait': 0.0}
    assert clock.sleeps == [3.0] and len(session.calls) == 3   # the 429's Retry-After, not a budget wait


def test_a_request_waits_for_the_budget_and_the_wait_is_reported():
    client, _session, clock = make_client([page([user(1)], headers=budget_headers(4, 6)), page([user(1)])])
    client.request('GET', PATH)
    client.request('GET', PATH)
    # 4 left is the reserve of a 40 quota: the second request waits for the reset (6 s, plus 0.2 s).
    assert clock.sleeps == [pytest.approx(6.2)]
    assert client.spending() == {'api_requests': {'GET': 2}, 'rate_limit_wait': 6.2}
    assert client.waited == pytest.approx(6.2)


def test_a_budget_wait_beyond_max_retry_wait_fails_before_the_request():
    client, session, clock = make_client([page([user(1)], headers=budget_headers(0, 300, quota=1200, window=300))],
                                         max_retry_wait=30)
    client.request('GET', PATH)
    with pytest.raises(CloudflareBudgetError) as info:
        client.request('PUT', PATH + '/' + USER_ID, body={'name': 'n'})
    message = str(info.value)
    assert message.startswith("Cloudflare's rate limit would make PUT %s/%s wait 301.0 s, more than max_retry_wait=30 s "
                              "leaves" % (PATH, USER_ID))
    assert '1200 requests per 300 s (0 left, reset in 300 s, 120 kept in reserve)' in message
    assert len(session.calls) == 1 and clock.sleeps == []
    assert client.spending()['api_requests'] == {'GET': 1}


def test_the_429_block_is_still_waited_out_by_its_retry_after():
    limited = Answer(429, {'success': False, 'errors': [{'code': 971, 'message': 'slow down'}], 'messages': [], 'result': None},
                     dict(budget_headers(0, 10), **{'Retry-After': '10'}))
    client, _session, clock = make_client([limited, page([user(1)], headers=budget_headers(39, 10))], max_retry_wait=15)
    assert client.paginate(PATH) == [user(1)]
    # The Retry-After wait; then the budget, which saw r=0 with 10 s to the reset, has the new window.
    assert clock.sleeps == [10.0]


def test_a_429_beyond_max_retry_wait_still_fails_as_a_rate_limit():
    limited = Answer(429, {'success': False, 'errors': [{'code': 971, 'message': 'slow down'}], 'messages': [], 'result': None},
                     {'Retry-After': '300'})
    client, _session, _clock = make_client([limited], max_retry_wait=30)
    with pytest.raises(CloudflareRateLimitError):
        client.request('GET', PATH)


def test_a_billion_users_at_one_a_page_fail_after_the_first_page_with_the_cost():
    client, session, _clock = make_client([page([user(1)], per_page=1, total_count=10 ** 9, total_pages=10 ** 9)])
    with pytest.raises(CloudflareBudgetError) as info:
        client.paginate(PATH)
    message = str(info.value)
    assert ('The Cloudflare API listing GET %s announces 999999999 more requests (total_count=1000000000, '
            'total_pages=1000000000)' % PATH) in message
    assert 'stops after page 1' in message and 'the documented limit' in message
    assert len(session.calls) == 1


def test_the_budget_of_the_headers_decides_what_a_listing_may_cost():
    # 40 per 10 s, 39 left: within 330 s, 35 in this window, then 36 a window (10.2 s with the margin), 18 at once.
    headers = budget_headers(39, 10)
    client, session, _clock = make_client([page([user(n) for n in range(100)], per_page=100, total_count=200000,
                                                total_pages=2000, headers=headers)])
    with pytest.raises(CloudflareBudgetError) as info:
        client.paginate(PATH)
    assert 'announces 1999 more requests' in str(info.value) and 'at most 1181 more' in str(info.value)
    assert len(session.calls) == 1
    affordable, _session, _clock = make_client([page([user(1)], per_page=1, total_count=3, total_pages=3, headers=headers),
                                                page([user(2)], 2, per_page=1, total_count=3, total_pages=3),
                                                page([user(3)], 3, per_page=1, total_count=3, total_pages=3)])
    assert len(affordable.paginate(PATH)) == 3


def test_a_page_short_of_its_stated_size_while_more_are_announced_contradicts_itself():
    client, session, _clock = make_client([page([user(1)], per_page=1000, total_count=5, total_pages=10 ** 9)])
    with pytest.raises(CloudflareResponseError) as info:
        client.paginate(PATH)
    assert str(info.value) == (
        'The Cloudflare API listing GET %s contradicts itself: page 1 holds 1 item where the server states per_page=1000, '
        'and it announces more pages; reading them would cost 999999999 more requests (total_count=5, '
        'total_pages=1000000000)' % PATH)
    assert len(session.calls) == 1


def test_a_short_last_page_is_no_contradiction():
    client, _session, _clock = make_client([page([user(1), user(2)], per_page=2, total_count=3, total_pages=2),
                                            page([user(3)], 2, per_page=2, total_count=3, total_pages=2)])
    assert len(client.paginate(PATH)) == 3


def test_check_affordable_names_what_the_requests_are_for():
    client, session, _clock = make_client([page([user(1)], headers=budget_headers(10, 10))], max_retry_wait=20)
    client.request('GET', PATH)
    client.check_affordable(5, 'The plan')
    with pytest.raises(CloudflareBudgetError) as info:
        client.check_affordable(200, 'The plan for account %s' % ACCOUNT)
    assert str(info.value).startswith("The plan for account %s needs 200 requests: Cloudflare's rate limit makes them "
                                      "wait at least " % ACCOUNT)
    assert 'more than max_retry_wait=20 s leaves (0 s waited already); nothing of it was sent' in str(info.value)
    # Writes that space themselves (write_rate) as slowly as the budget would need no wait of it.
    client.check_affordable(200, 'The plan', own_interval=3.0)
    assert len(session.calls) == 1


def test_a_budget_wait_beyond_max_retry_wait_fails_word_for_word_with_its_method_path_and_wait():
    limited = Answer(429, {'success': False, 'errors': [{'code': 971, 'message': 'slow down'}], 'messages': [],
                           'result': None}, {'Retry-After': '3'})
    client, _session, _clock = make_client(
        [limited, page([user(1)], headers=budget_headers(0, 300, quota=1200, window=300))], max_retry_wait=30)
    client.request('GET', PATH)
    with pytest.raises(CloudflareBudgetError) as info:
        client.request('PUT', PATH + '/' + USER_ID, body={'name': 'n'})
    assert str(info.value) == (
        "Cloudflare's rate limit would make PUT %s/%s wait 301.0 s, more than max_retry_wait=30 s leaves (3.0 s waited "
        "already); it was not sent. The budget: %s" % (PATH, USER_ID, client.budget.describe()))
    assert (info.value.method, info.value.path, info.value.waited) == ('PUT', PATH + '/' + USER_ID, 3.0)


def test_every_wait_for_the_budget_is_counted():
    client, _session, clock = make_client([page([user(1)], headers=budget_headers(4, 6)) for _answer in range(3)])
    for _request in range(3):
        client.request('GET', PATH)
    assert clock.sleeps == [pytest.approx(6.2), pytest.approx(6.2)]
    assert client.spending()['rate_limit_wait'] == 12.4


def test_a_budget_wait_of_exactly_what_max_retry_wait_leaves_is_waited():
    client, session, clock = make_client([page([user(1)], headers=budget_headers(4, 6)), page([user(1)])], max_retry_wait=8)
    client.request('GET', PATH)
    wait = client.budget.delay()
    client.max_retry_wait = wait
    client.request('GET', PATH)
    assert clock.sleeps == [wait] and len(session.calls) == 2


def unbounded_page(users, per_page, total_pages, headers=None):
    """A page without total_count."""
    info = {'page': 1, 'per_page': per_page, 'count': len(users), 'total_pages': total_pages}
    return Answer(200, {'success': True, 'errors': [], 'messages': [], 'result': users, 'result_info': info}, headers)


@pytest.mark.parametrize('held, total_pages, words', [
    (2, 3, 'page 1 holds 2 items where the server states per_page=1000, and it announces more pages; reading them '
           'would cost 2 more requests (total_count=none, total_pages=3)'),
    (1, 2, 'page 1 holds 1 item where the server states per_page=1000, and it announces more pages; reading them '
           'would cost 1 more request (total_count=none, total_pages=2)'),
])
def test_a_short_page_while_more_are_announced_fails_word_for_word(held, total_pages, words):
    client, session, _clock = make_client([unbounded_page([user(n) for n in range(held)], 1000, total_pages)])
    with pytest.raises(CloudflareResponseError) as info:
        client.paginate(PATH)
    assert str(info.value) == 'The Cloudflare API listing GET %s contradicts itself: %s' % (PATH, words)
    assert (info.value.method, info.value.path) == ('GET', PATH)
    assert len(session.calls) == 1


def test_a_listing_the_budget_cannot_carry_fails_word_for_word():
    client, _session, _clock = make_client([page([user(n) for n in range(100)], per_page=100, total_count=200000,
                                                 total_pages=2000, headers=budget_headers(39, 10))])
    with pytest.raises(CloudflareBudgetError) as info:
        client.paginate(PATH)
    assert str(info.value) == (
        "The Cloudflare API listing GET %s announces 1999 more requests (total_count=200000, total_pages=2000): "
        "Cloudflare's rate limit lets this task send at most 1181 more within max_retry_wait=330 s (0 s waited "
        "already), so it stops after page 1. The budget: %s" % (PATH, client.budget.describe()))
    assert (info.value.method, info.value.path, info.value.waited) == ('GET', PATH, 0.0)


def test_a_listing_that_costs_exactly_what_the_budget_carries_is_read():
    # As above, 1181 more requests are affordable: a listing that announces exactly that many more is read on.
    empty = Answer(200, {'success': True, 'errors': [], 'messages': [], 'result': [],
                         'result_info': {'page': 2, 'per_page': 100, 'count': 0}})
    first = page([user(n) for n in range(100)], per_page=100, total_count=118200, total_pages=1182,
                 headers=budget_headers(39, 10))
    client, session, _clock = make_client([first, empty])
    listing = client.paginate(PATH, complete=False)
    assert len(listing) == 100 and len(session.calls) == 2


def test_without_total_pages_the_pages_announced_are_total_count_over_per_page():
    stated = {'page': 1, 'per_page': 1000, 'count': 2, 'total_count': 4001}
    client, session, _clock = make_client([Answer(200, {'success': True, 'errors': [], 'messages': [],
                                                        'result': [user(1), user(2)], 'result_info': stated})])
    with pytest.raises(CloudflareResponseError) as info:
        client.paginate(PATH)
    assert str(info.value) == (
        'The Cloudflare API listing GET %s contradicts itself: page 1 holds 2 items where the server states '
        'per_page=1000, and it announces more pages; reading them would cost 4 more requests (total_count=4001, '
        'total_pages=5)' % PATH)
    assert len(session.calls) == 1
