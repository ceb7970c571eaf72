# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Budget headers at their extremes, through the client's own loop (its waits on a clock that moves only when it
sleeps): zero or negative quota, window or reset, a reset beyond the window, no policy with r=0, thousands of
members. None of them holds a task until max_retry_wait, spends past the quota of an honest server, crashes, or makes
a message longer than a few KB."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api import budget as _budget
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.budget import MAX_LIMITS, Budget, read_headers
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.client import CloudflareClient
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import CloudflareBudgetError
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.module_utils.test_client_budget import Answer, Clock

ACCOUNT = '023e105f4ecef8ad9ca31a8372d0c353'
PATH = '/accounts/%s/access/users' % ACCOUNT
ROUND_TRIP = 0.05


class Server(object):
    """Cloudflare's fixed window (``quota`` per ``window`` s) on the client's clock; ``headers(left, reset)`` gives what
    its answers carry. Past the quota it answers 429, and counts it (``refused``)."""

    def __init__(self, clock, headers, quota=100, window=60):
        self.clock, self.budget_headers, self.quota, self.window = clock, headers, quota, window
        self.headers = {}   # the session's own headers, which the transport sets
        self.opened, self.spent, self.refused, self.served = None, 0, 0, 0

    def request(self, method, url, params=None, json=None, **_kwargs):  # pylint: disable=redefined-outer-name
        now = self.clock.now
        self.clock.now += ROUND_TRIP
        if self.opened is None or now >= self.opened + self.window:
            self.opened, self.spent = now, 0
        if self.spent >= self.quota:
            self.refused += 1
            return Answer(429, {'success': False, 'errors': [{'code': 971, 'message': 'slow down'}], 'messages': [],
                                'result': None}, {'Retry-After': '1'})
        self.spent += 1
        self.served += 1
        return Answer(200, {'success': True, 'errors': [], 'messages': [], 'result': []},
                      self.budget_headers(self.quota - self.spent, self.opened + self.window - now))


def run(headers, count, max_retry_wait=330, quota=100, window=60):
    """``count`` GETs in a row; return (client, server, clock) once they are sent."""
    clock = Clock()
    server = Server(clock, headers, quota, window)
    client = CloudflareClient(ACCOUNT, {'Authorization': 'Bearer t0ken-abcdefghijklmnopqrstuvwxyz'},
                              base_url='http://cf.test/client/v4', max_retry_wait=max_retry_wait, session=server,
                              sleep=clock.sleep, clock=clock)
    for _request in range(count):
        client.request('GET', PATH)
    return client, server, clock


def fixed(value):
    """Answers that always carry the same budget headers, whatever the server counts."""
    return lambda _left, _reset: dict(value)


@pytest.mark.parametrize('headers', [
    {'Ratelimit': '"default";r=0;t=0', 'Ratelimit-Policy': '"default";q=0;w=0'},
    {'Ratelimit': '"default";r=0;t=1'},
    {'Ratelimit': '"default";r=0;t=0'},
    {'Ratelimit': '"default";r=-5;t=-3', 'Ratelimit-Policy': '"default";q=-1;w=-10'},
    {'Ratelimit': '"default";r=0;t=1', 'Ratelimit-Policy': '"default";q=1;w=1'},
    {'Ratelimit': '"default";r=0;t=0', 'Ratelimit-Policy': '"default";q=5;w=1'},
], ids=['zero-policy', 'r0-no-policy', 'r0t0-no-policy', 'negative', 'quota-of-one', 'reset-now-under-a-policy'])
def test_answers_that_always_say_nothing_is_left_pace_the_task_without_holding_it(headers):
    # Before: the reserve took the whole quota of one (a stand-in of one, or a policy of one), and the task waited one
    # reset after another until max_retry_wait ran out. Now each request waits about a second, as the answers say.
    client, server, clock = run(fixed(headers), 20)
    assert server.served == 20 and server.refused == 0
    assert max(clock.sleeps) <= 2.0
    assert client.waited < 40


@pytest.mark.parametrize('headers', [
    lambda left, reset: {'Ratelimit': '"default";r=%d;t=0' % left, 'Ratelimit-Policy': '"default";q=100;w=60'},
    lambda left, reset: {'Ratelimit': '"default";r=%d;t=-7' % left, 'Ratelimit-Policy': '"default";q=100;w=60'},
    lambda left, reset: {'Ratelimit': '"default";r=%d;t=900' % left, 'Ratelimit-Policy': '"default";q=100;w=60'},
    lambda left, reset: {'Ratelimit': '"default";r=%d;t=%d' % (left, reset + 840), 'Ratelimit-Policy': '"default";q=100;w=60'},
    lambda left, reset: {'Ratelimit': '"default";r=%d;t=%d' % (left, reset), 'Ratelimit-Policy': '"default";q=0;w=0'},
    lambda left, reset: {'Ratelimit': '"default";r=%d;t=%d' % (left, reset), 'Ratelimit-Policy': '"default";q=100;w=0'},
], ids=['reset-0', 'reset-negative', 'reset-stuck-beyond-window', 'reset-beyond-window', 'zero-policy', 'zero-window'])
def test_an_honest_count_with_a_reset_that_cannot_be_believed_never_spends_past_the_quota(headers):
    # 300 requests against 100 per 60 s (90 above the reserve): a reset of 0 believed had the task spend the whole
    # quota at once and draw 200 refusals; one beyond the window, believed as the window, slid the reset ahead at
    # every answer and took 303 s. Now: no refusal, and within 1.3x of the three windows the requests need.
    client, server, _clock = run(headers, 300)
    assert server.refused == 0 and server.served == 300
    assert client.waited <= 1.3 * 180


def test_a_block_that_outlasts_max_retry_wait_fails_at_once_with_a_short_message():
    headers = fixed({'Ratelimit': '"default";r=0;t=900', 'Ratelimit-Policy': '"default";q=100;w=60'})
    with pytest.raises(CloudflareBudgetError) as info:
        run(headers, 2)
    assert 'wait 901.0 s, more than max_retry_wait=330 s' in str(info.value)


def thousands(count=2900):
    return {'Ratelimit': ', '.join('"m%d";r=%d;t=10' % (number, 1000 + number) for number in range(count)),
            'Ratelimit-Policy': ', '.join('"m%d";q=1200;w=300' % number for number in range(count))}


def test_of_thousands_of_members_the_tightest_few_are_followed():
    remaining, policies = read_headers(thousands())
    assert sorted(remaining) == sorted(policies) == ['m%d' % number for number in range(MAX_LIMITS)]
    assert remaining['m0'] == (1000, 10.0) and policies['m0'] == (1200, 300.0)


def test_thousands_of_members_make_a_message_of_a_few_kb():
    headers = thousands()
    headers['Ratelimit'] = headers['Ratelimit'].replace('"m5";r=1005;t=10', '"m5";r=0;t=300')
    with pytest.raises(CloudflareBudgetError) as info:
        run(fixed(headers), 2, max_retry_wait=30)
    assert len(str(info.value)) < 4096 and '0 left, reset in 300 s' in str(info.value)


@pytest.mark.parametrize('quota, reserve', [(1, 0), (2, 1), (10, 1), (11, 2), (1200, 120)])
def test_the_reserve_is_a_tenth_rounded_up_but_never_the_whole_quota(quota, reserve):
    limit = _budget.Limit('default', quota, 10.0, quota, 110.0, 100.0)
    assert _budget.Pace(limit, _budget.DEFAULT_RESERVE, 100.0).reserve == reserve


def test_a_reset_of_zero_with_requests_left_keeps_the_reset_known():
    budget = Budget(clock=lambda: 100.0)
    sent = budget.sending(100.0)
    budget.answered({'Ratelimit': '"default";r=30;t=8', 'Ratelimit-Policy': '"default";q=40;w=10'}, sent, 100.0)
    sent = budget.sending(102.0)
    budget.answered({'Ratelimit': '"default";r=29;t=0', 'Ratelimit-Policy': '"default";q=40;w=10'}, sent, 102.0)
    assert budget.limits['default'].reset_at == 108.0


class _Known(object):
    """A limit as far as _believed_reset reads it: when its window resets."""

    def __init__(self, reset_at):
        self.reset_at = reset_at


@pytest.mark.parametrize('reset, left, window, limit, believed', [
    (0.5, 0, 10.0, None, (0.5, False)),            # a block of half a second is what it says
    (10.0, 5, 10.0, _Known(103.0), (10.0, False)),  # a reset of exactly one window is believed
    (0.0, 5, 10.0, _Known(100.0), (10.0, True)),    # a known reset that is now has passed: one window from now, a guess
    (0.0, 5, 10.0, _Known(104.0), (4.0, True)),     # one still ahead is kept, a guess still
    (0.0, 0, 10.0, None, (1.0, False)),             # nothing left, reset now: within the second
    (None, 5, 10.0, None, (10.0, False)),           # no t: one window, as before
])
def test_the_reset_believed_at_the_edges_of_the_window(reset, left, window, limit, believed):
    assert _budget._believed_reset(reset, left, window, limit, 100.0) == believed


def test_past_a_guessed_reset_one_request_probes_the_window_before_the_rest():
    budget = Budget(clock=lambda: 100.0)
    sent = budget.sending(100.0)
    budget.answered({'Ratelimit': '"default";r=2;t=0', 'Ratelimit-Policy': '"default";q=12;w=4'}, sent, 100.0)
    limit = budget.limits['default']
    assert limit.guessed and limit.reset_at == 104.0
    limit.roll(104.0)
    # The reset was a guess: one more than the 2 the answer left, not the 12 of a whole window.
    assert (limit.left, limit.guessed) == (3, False)
    limit.roll(108.0)
    assert limit.left == 12   # a reset after that one is a window whole again


def test_thousands_of_limits_without_a_policy_are_cut_to_the_tightest_few():
    members = ', '.join('"m%d";r=%d;t=30' % (number, number) for number in range(2000))
    remaining, policies = read_headers({'Ratelimit': members})
    assert sorted(remaining) == sorted('m%d' % number for number in range(MAX_LIMITS)) and policies == {}
