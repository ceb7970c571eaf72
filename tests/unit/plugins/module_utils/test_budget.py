# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The decisions of the rate limit's budget (_budget.py): the headers as read, and every wait, on a hand-moved clock.

The numbers: a policy of 40 requests per 10 s (the integration target's) keeps a reserve of 4 and may spend 18 at once
(half of the 36 above the reserve); the line then falls at 3.6 requests per second to the reserve at the reset.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils import _budget
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._budget import Budget, parse_members, read_headers


class Clock(object):
    def __init__(self, now=100.0):
        self.now = now

    def __call__(self):
        return self.now


def headers(left, reset, quota=40, window=10):
    return {'Ratelimit': '"default";r=%d;t=%.3f' % (left, reset), 'Ratelimit-Policy': '"default";q=%d;w=%d' % (quota, window)}


def answered(budget, clock, left, reset, rtt=0.0, **policy):
    """One request sent now and answered ``rtt`` later with these headers."""
    sent = budget.sending()
    clock.now += rtt
    assert budget.answered(headers(left, reset, **policy), sent)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def budget(clock):
    return Budget(clock=clock)


# --- the headers -------------------------------------------------------------------------------------------

def test_members_of_a_structured_list_with_quoted_and_bare_names():
    assert parse_members('"default";r=50;t=30, burst ; r=9 ;t=1') == [
        ('default', {'r': 50.0, 't': 30.0}), ('burst', {'r': 9.0, 't': 1.0})]


def test_a_quoted_name_may_hold_commas_semicolons_and_escaped_quotes():
    assert parse_members('"a,b;c \\"d\\"";r=1,"e";r=2') == [('a,b;c \\"d\\"', {'r': 1.0}), ('e', {'r': 2.0})]


@pytest.mark.parametrize('value', [
    None, '', ',,', ';r=5', '5;r=5', '"unterminated;r=5', '  ', 12,
])
def test_members_without_a_readable_name_are_left_out(value):
    assert parse_members(value) in ([], [('', {})])


@pytest.mark.parametrize('text', ['abc', 'nan', 'inf', '1e3', '0x10', '', '1.5.5', '12345678901234567', '1.2345'])
def test_parameters_that_are_not_numbers_are_left_out(text):
    assert parse_members('"default";r=%s;t=7' % text) == [('default', {'t': 7.0})]


def test_the_later_of_two_parameters_of_one_name_wins_as_in_rfc_8941():
    assert parse_members('"default";r=5;r=3;T=2') == [('default', {'r': 3.0, 't': 2.0})]


def test_an_empty_quoted_name_is_a_name_and_a_bad_member_leaves_the_next_ones():
    # RFC 8941: "" is a string (the empty one); a member without a name is left out, the members after it are read.
    assert parse_members('"";r=5') == [('', {'r': 5.0})]
    assert parse_members('"a";r=1') == [('a', {'r': 1.0})]
    assert parse_members('5x;r=1, "default";r=2, ;r=3, burst;r=4') == [('default', {'r': 2.0}), ('burst', {'r': 4.0})]


def test_a_parameter_is_split_at_its_first_equals_sign():
    assert parse_members('"a";r==5;t=2') == [('a', {'t': 2.0})]


def test_a_quota_of_one_is_a_policy():
    assert read_headers({'Ratelimit-Policy': '"one";q=1;w=60'}) == ({}, {'one': (1, 60.0)})


@pytest.mark.parametrize('left, reset_at, quota, window', [
    (4, 10.0, 5, 10.0),      # no policy: the most seen left plus one, and the longest reset seen
    (0, 0.0, 1, 1.0),        # at least one request in at least one second
    (0, 0.5, 1, 1.0),
])
def test_without_a_policy_the_largest_seen_stands_in_for_quota_and_window(left, reset_at, quota, window):
    limit = _budget.Limit('default', None, None, left, reset_at, 0.0)
    assert (limit.q(), limit.w()) == (quota, window)
    assert (_budget.Limit('default', 1200, 300.0, left, reset_at, 0.0).q(),
            _budget.Limit('default', 1200, 300.0, left, reset_at, 0.0).w()) == (1200, 300.0)


def test_headers_in_any_letter_case_with_several_policies():
    remaining, policies = read_headers({
        'RATELIMIT': '"burst";r=3;t=1, "default";r=900;t=200',
        'ratelimit-policy': '"burst";q=10;w=1, "default";q=1200;w=300',
    })
    assert remaining == {'burst': (3, 1.0), 'default': (900, 200.0)}
    assert policies == {'burst': (10, 1.0), 'default': (1200, 300.0)}


def test_nonsense_values_are_mended_or_left_out():
    remaining, policies = read_headers({
        'Ratelimit': '"default";r=-5;t=-30, "default";r=7;t=7, "nameless";t=3, "never";r=2',
        'Ratelimit-Policy': '"default";q=0;w=10, "default";q=40;w=10, "zero";q=5;w=0, "open";q=5',
    })
    # r below 0 is nothing left; a reset in the past is now; the first member of a name counts; no r, no member.
    assert remaining == {'default': (0, 0.0), 'never': (2, None)}
    # a quota below 1 or a window of 0 is no policy (and leaves the name free); a missing window is unknown.
    assert policies == {'default': (40, 10.0), 'open': (5, None)}


def test_no_headers_say_nothing(budget, clock):
    sent = budget.sending()
    assert read_headers({}) == ({}, {}) and read_headers(None) == ({}, {})
    assert budget.answered({'Ratelimit': 'garbage;;;'}, sent) is False


# --- the waits ---------------------------------------------------------------------------------------------

def test_no_answer_yet_no_wait(budget):
    assert budget.delay() == 0.0


def test_a_fresh_window_lets_half_of_it_go_at_once(budget, clock):
    answered(budget, clock, 39, 10)
    # 39 left: 17 more go at once (each leaves at least the line, 36*10/10 - 18 = 18, above the reserve of 4).
    for left in range(39, 22, -1):
        assert budget.delay() == 0.0
        answered(budget, clock, left - 1, 10)
    # 22 left: the 19th request waits for the line: (18 - (22 - 1 - 4)) / 3.6 s.
    assert budget.delay() == pytest.approx(1 / 3.6)


def alone_down_to(budget, clock, left, reset=10):
    """The task alone spent the window down to ``left`` (so that it measured no others)."""
    for seen in range(39, left - 1, -1):
        answered(budget, clock, seen, reset)


def test_then_the_line_spaces_the_rest_evenly_to_the_reserve_at_the_reset(budget, clock):
    alone_down_to(budget, clock, 22)
    reset_at = clock.now + 10
    waits = []
    for left in range(21, 4, -1):
        wait = budget.delay()
        waits.append(wait)
        clock.now += wait
        answered(budget, clock, left, reset_at - clock.now)
    # One request every 1/3.6 s (t in the headers is rounded to milliseconds here).
    assert waits == pytest.approx([1 / 3.6] * 17, abs=0.002)
    # 5 left: the request that leaves exactly the reserve goes as the line reaches 0, 5 s before the reset.
    assert budget.delay() == pytest.approx(1 / 3.6, abs=0.002)
    clock.now += budget.delay()
    answered(budget, clock, 4, reset_at - clock.now)
    assert reset_at - clock.now == pytest.approx(5.0, abs=0.01)
    assert budget.delay() == pytest.approx(5.0 + 0.2, abs=0.01)


def test_at_the_reserve_it_waits_for_the_reset_and_a_margin(budget, clock):
    alone_down_to(budget, clock, 5, reset=7)
    # 5 left: one more leaves the reserve of 4 whole; the line, 3.6 * 7 - 18, is 2 s from 0: that is the wait.
    assert budget.delay() == pytest.approx(2.0)
    answered(budget, clock, 4, 7)
    # 4 left: nothing above the reserve; only the reset (in 7 s, plus 0.2 s as t is whole seconds) gives back.
    assert budget.delay() == pytest.approx(7.2)


def test_a_reset_in_the_past_with_nothing_left_is_a_new_window_within_the_second(budget, clock):
    # t is whole seconds: 0 (or below) with nothing left is a reset within the next one (see test_budget_extremes).
    answered(budget, clock, 0, -3)
    assert 0 < budget.delay() <= 1.2
    clock.now += 1.0
    assert budget.delay() == 0.0


def test_past_the_reset_without_an_answer_the_window_is_whole_again(budget, clock):
    answered(budget, clock, 2, 6)
    assert budget.delay() == pytest.approx(6.2)
    clock.now += 6
    assert budget.delay() == 0.0


def test_a_block_longer_than_the_window_is_waited_out(budget, clock):
    answered(budget, clock, 0, 120, quota=40, window=60)
    assert budget.delay() == pytest.approx(121.0)


def test_a_left_beyond_the_quota_is_the_quota_and_a_reset_beyond_the_window_the_window(budget, clock):
    answered(budget, clock, 5000, 9999)
    limit = budget.limits['default']
    assert (limit.left, limit.reset_at - clock.now) == (40, 10.0)


def test_others_spending_faster_than_the_task_make_it_wait_for_the_reset():
    alone_clock, shared_clock = Clock(), Clock()
    alone, shared = Budget(clock=alone_clock), Budget(clock=shared_clock)
    answered(alone, alone_clock, 12, 5)
    answered(alone, alone_clock, 11, 5, rtt=0.5)
    answered(shared, shared_clock, 19, 5)
    answered(shared, shared_clock, 11, 5, rtt=0.5)
    # Between two answers half a second apart, r fell by 8 where the shared task sent 1: others spend 14 a second.
    assert shared.limits['default'].others_rate == pytest.approx(14.0)
    assert alone.limits['default'].others_rate == 0.0
    # Both see 11 left, 6 above the reserve once the request is sent, and the line is down to 0: alone, go. Shared,
    # the 7 requests of others on their way (14 a second for the 0.5 s of a round trip) would take the reserve.
    assert alone.delay() == 0.0
    assert shared.delay() == pytest.approx(5.0 + 0.2)


def test_a_burst_measured_over_milliseconds_does_not_last_for_seconds(budget, clock):
    answered(budget, clock, 39, 10)
    answered(budget, clock, 31, 10, rtt=0.01)   # 7 others in 10 ms: 700 a second, for 10 ms
    pace = _budget.Pace(budget.limits['default'], 0.1, clock.now)
    # Not 700 a second for 2 s: the 7 seen over the 10 ms measured, then, while the task waits for the line, half the
    # line's 3.6 a second (others that pace themselves wait for it too).
    assert pace.in_flight(0) == pytest.approx(7.0)
    assert pace.in_flight(2) == pytest.approx(7.0 + 1.8 * 2)


def test_tasks_that_wait_for_the_same_line_share_it(clock):
    """Two tasks at the line, each seeing the other's requests: each waits for the line to pass its own view."""
    first, second = Budget(clock=clock), Budget(clock=clock)
    answered(first, clock, 21, 10)
    answered(second, clock, 20, 10)
    answered(first, clock, 19, 10, rtt=1.0)    # 1 other request in 1 s
    answered(second, clock, 18, 10, rtt=0.0)
    wait_first, wait_second = first.delay(), second.delay()
    assert 0 < wait_first < wait_second
    assert wait_second - wait_first == pytest.approx(1 / 3.6)


def test_several_policies_the_tighter_decides(budget, clock):
    sent = budget.sending()
    assert budget.answered({'Ratelimit': '"default";r=1000;t=200, "burst";r=1;t=1',
                            'Ratelimit-Policy': '"default";q=1200;w=300, "burst";q=10;w=1'}, sent)
    # burst: 1 left is below its reserve of 1 + the request: wait for its reset (1 s + 0.02 s margin).
    assert budget.delay() == pytest.approx(1.02)


def test_without_headers_the_documented_limit_paces_the_task_alone(budget, clock):
    # 1200 per 300 s: a reserve of 120, 540 at once, then 3.6 a second.
    for _request in range(540):
        assert budget.delay() == 0.0
        budget.sending()
    assert budget.delay() == pytest.approx(1 / 3.6)
    assert budget.limits['documented'].measured is False


def test_the_documented_limit_gives_way_to_the_first_headers(budget, clock):
    for _request in range(600):
        budget.sending()
    assert budget.delay() > 0
    answered(budget, clock, 39, 10)
    assert list(budget.limits) == ['default'] and budget.delay() == 0.0


def test_a_reserve_of_zero_spends_the_whole_quota(clock):
    budget = Budget(reserve=0.0, clock=clock)
    answered(budget, clock, 1, 2)
    assert budget.delay() == 0.0
    answered(budget, clock, 0, 2)
    assert budget.delay() == pytest.approx(2.2)


def test_first_answer_counts_what_others_spent_since_the_window_opened(budget, clock):
    answered(budget, clock, 29, 8)   # the window opened 2 s ago; 10 others spent before this request
    limit = budget.limits['default']
    assert (limit.others_rate, limit.others_span) == (5.0, 2.0)


# --- what the task can afford ----------------------------------------------------------------------------

def test_wait_for_nothing_or_a_burst_is_nothing(budget, clock):
    answered(budget, clock, 39, 10)
    assert budget.wait_for(0) == 0.0
    assert budget.wait_for(17) == 0.0


def test_wait_for_more_than_the_window_holds_spans_resets(budget, clock):
    answered(budget, clock, 39, 10)
    # 35 above the reserve now, then 36 a window; 100 requests: this window, 36 in the next, 29 in the third, of
    # which 18 at once and 11 along the line (11 / 3.6 s).
    assert budget.wait_for(100) == pytest.approx(10.2 + 10.2 + 11 / 3.6)


def test_the_own_spacing_of_writes_counts_against_the_budgets_wait(budget, clock):
    answered(budget, clock, 39, 10)
    # 100 writes at 2 a second take 49.5 s of their own: longer than the budget needs.
    assert budget.wait_for(100, own_interval=0.5) == 0.0


def test_affordable_is_what_the_wait_allows(budget, clock):
    answered(budget, clock, 39, 10)
    assert budget.affordable(0) == 17
    assert budget.affordable(10.2) == 35 + 18
    assert budget.affordable(1e6) > 3e6


def test_a_billion_pages_are_not_affordable_with_the_documented_limit(budget, clock):
    budget.sending()
    # 330 s: 1079 more now (540 at once, the rest along the line), then 540 of the next window at once, and 30 s more.
    assert 1500 < budget.affordable(330) < 2000 < 10 ** 9


def test_describe_says_the_policy_what_is_left_and_the_reserve(budget, clock):
    assert budget.describe() == '1200 requests per 300 s (the documented limit: no answer said more), 120 kept in reserve'
    answered(budget, clock, 30, 8)
    assert budget.describe() == '40 requests per 10 s (30 left, reset in 8 s, 4 kept in reserve)'


def test_without_any_answer_or_request_the_documented_limit_is_what_can_be_afforded(clock):
    # 1200 per 300 s, 120 in reserve: 540 at once, then 3.6 a second down to the reserve at the reset, then the next
    # window after its margin of 1 s.
    budget = Budget(clock=clock)
    assert budget.wait_for(540) == 0.0
    assert budget.wait_for(1080) == pytest.approx(150.0)
    assert budget.wait_for(1081) == pytest.approx(301.0)
    assert budget.wait_for(1081, own_interval=0.1) == pytest.approx(301.0 - 108.0)
    assert budget.wait_for(1620) == pytest.approx(301.0)       # and 540 at once when the next window opens
    assert (budget.affordable(0), budget.affordable(150.0), budget.affordable(301.0)) == (540, 1080, 1620)
    assert Budget(reserve=0.5, clock=clock).affordable(0) == 300
    assert budget.limits == {}


def test_describe_of_the_documented_stand_in_and_of_several_limits(clock):
    budget = Budget(clock=clock)
    budget.sending()
    assert budget.describe() == ('1200 requests per 300 s (1199 left, reset in 300 s, 120 kept in reserve, the documented '
                                 'limit: no answer carried Ratelimit headers)')
    budget = Budget(clock=clock)
    sent = budget.sending()
    assert budget.answered({'Ratelimit': '"burst";r=3;t=1, "default";r=900;t=200',
                            'Ratelimit-Policy': '"burst";q=5;w=1, "default";q=1200;w=300'}, sent)
    assert budget.describe() == ('5 requests per 1 s (3 left, reset in 1 s, 1 kept in reserve); '
                                 '1200 requests per 300 s (900 left, reset in 200 s, 120 kept in reserve)')
    # At a time given, not the clock's.
    assert budget.describe(now=clock.now + 100) == ('5 requests per 1 s (5 left, reset in 1 s, 1 kept in reserve); '
                                                    '1200 requests per 300 s (900 left, reset in 100 s, 120 kept in reserve)')


def test_a_number_of_a_billion_is_the_largest_read():
    assert parse_members('"default";r=1000000000;t=1000000001') == [('default', {'r': 1e9})]


def test_a_backslash_escapes_a_quote_inside_a_quoted_name():
    assert parse_members('"x\\",y";r=5') == [('x\\",y', {'r': 5.0})]


def limit(**kwargs):
    values = dict(name='default', quota=100, window=60, left=50, reset_at=1030.0, seen_at=1000.0)
    values.update(kwargs)
    return _budget.Limit(**values)


def test_an_answer_at_the_edge_of_the_window_slack_is_the_same_window():
    same = limit()
    same.update(50, 1031.5, 100, 60, 1010.0, 0.0)
    assert (same.others_rate, same.measures) == (0.0, 1)
    later = limit()
    later.update(40, 1100.0, 100, 60, 1010.0, 0.0)     # another window, though fewer are left: not a measure
    assert (later.others_rate, later.measures) == (None, 0)


def test_others_pace_follows_each_measure_by_half():
    lim = limit()
    lim.update(40, 1030.0, 100, 60, 1010.0, 0.0)        # 10 in 10 s: 1 a second
    assert (lim.others_rate, lim.measures) == (1.0, 1)
    lim.update(20, 1030.0, 100, 60, 1020.0, 0.0)        # 20 in 10 s: 2 a second
    assert (lim.others_rate, lim.others_span, lim.measures) == (1.5, 10.0, 2)


def test_an_answer_without_a_policy_keeps_the_quota_and_window_known():
    lim = limit()
    lim.update(45, 1030.0, None, None, 1010.0, 0.2)
    assert (lim.quota, lim.window, lim.left, lim.reset_at, lim.seen_at, lim.rtt, lim.mine) == (100, 60, 45, 1030.0, 1010.0, 0.2, 0)


def test_the_largest_left_and_reset_seen_are_kept():
    lim = limit()
    assert (lim.largest_left, lim.largest_reset) == (50, 30.0)
    lim.update(80, 1100.0, 100, 60, 1050.0, 0.0)
    assert (lim.largest_left, lim.largest_reset) == (80, 50.0)
    lim.update(70, 1100.0, 100, 60, 1060.0, 0.0)
    assert (lim.largest_left, lim.largest_reset) == (80, 50.0)


def test_others_since_the_window_opened_need_quota_and_window():
    lim = limit(window=None)
    lim.others_since_opened(30.0)
    assert (lim.others_rate, lim.others_span) == (None, 0.0)
    lim = limit(quota=None)
    lim.others_since_opened(30.0)
    assert (lim.others_rate, lim.others_span) == (None, 0.0)


def test_others_since_the_window_opened_are_spread_over_the_round_trip_at_least():
    lim = limit(left=89)
    lim.rtt = 2.0
    lim.others_since_opened(60.0)        # opened just now, but the request took 2 s: 10 others in 2 s
    assert (lim.others_rate, lim.others_span) == (5.0, 2.0)
    lim = limit(left=89)
    lim.others_since_opened(60.0)        # and at least a millisecond
    assert (lim.others_rate, lim.others_span) == (10 / 0.001, 0.001)


def test_an_answer_with_a_quota_but_no_window_measures_nothing_yet(budget, clock):
    sent = budget.sending()
    assert budget.answered({'Ratelimit': '"default";r=50;t=30', 'Ratelimit-Policy': '"default";q=100'}, sent)
    lim = budget.limits['default']
    assert (lim.quota, lim.window, lim.left, lim.others_rate) == (100, None, 50, None)


def test_affordable_and_wait_for_at_a_time_given(clock):
    now = Budget(clock=clock)
    answered(now, clock, 39, 10)
    assert (now.affordable(0), now.wait_for(19)) == (17, pytest.approx(10 - 34 / 3.6))
    later = Budget(clock=clock)
    answered(later, clock, 39, 10)
    assert later.affordable(0, now=clock.now + 10.2) == 18                          # the next window, 0.2 s in
    assert later.wait_for(19, now=clock.now + 10.2) == pytest.approx(9.8 - 35 / 3.6)


def test_nothing_is_affordable_at_the_reserve(budget, clock):
    answered(budget, clock, 4, 10)
    assert budget.affordable(0) == 0
    assert budget.wait_for(1) == pytest.approx(10.2)
    assert budget.wait_for(0, own_interval=1.0) == 0.0


def test_affordable_stops_counting_at_a_billion(clock):
    assert Budget(reserve=0.0, clock=clock).affordable(1e9) == 10 ** 9


@pytest.mark.parametrize('answer, described', [
    # No policy and no reset: the most seen left plus one, and the documented window.
    ({'Ratelimit': '"default";r=5'}, '6 requests per 300 s (5 left, reset in 300 s, 1 kept in reserve)'),
    # No reset: the policy's window, also when nothing is left.
    ({'Ratelimit': '"default";r=0', 'Ratelimit-Policy': '"default";q=40;w=10'},
     '40 requests per 10 s (0 left, reset in 10 s, 4 kept in reserve)'),
    # A reset past the window while requests are left: the window resets within itself.
    ({'Ratelimit': '"default";r=1;t=30', 'Ratelimit-Policy': '"default";q=40;w=10'},
     '40 requests per 10 s (1 left, reset in 10 s, 4 kept in reserve)'),
])
def test_what_an_answer_leaves_out_is_filled_in(budget, answer, described):
    assert budget.answered(answer, budget.sending())
    assert budget.describe() == described
