# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The pages of a listing read side by side (list_concurrency): the result in the API's order whatever order the pages
arrive in, duplicates merged, every listing that contradicts itself refused word for word as when the pages are read
one after the other, and a failing page stopping the rest."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import threading

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api import listing as _listing
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.client import CloudflareClient
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import CloudflareAPIError, CloudflareError
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.module_utils.test_client import (
    ACCOUNT,
    TOKEN,
    failure,
    ok,
)

PER_PAGE = 2
WAIT = 10   # seconds a gated page waits for its gate at most (a test that deadlocks fails instead of hanging)


class PagedSession(object):
    """Answers each page from ``pages`` (page -> list of answers, one per request of that page), from any thread.

    ``after`` (page -> page) holds a page's answer until the other page has been answered: pages arrive in the order
    a test chooses. Records the pages asked for, in the order they were asked.
    """

    def __init__(self, pages, after=None):
        self.pages = dict((page, list(answers)) for page, answers in pages.items())
        self.after = after or {}
        self.asked = []
        self.headers = {}
        self._lock = threading.Lock()
        self._answered = dict((page, threading.Event()) for page in pages)

    def request(self, method, url, params=None, json=None, **kwargs):  # pylint: disable=redefined-outer-name,unused-argument
        page = params['page']
        with self._lock:
            self.asked.append(page)
            answer = self.pages[page].pop(0)
        try:
            if page in self.after:
                assert self._answered[self.after[page]].wait(WAIT), 'page %d never came' % self.after[page]
            if isinstance(answer, Exception):
                raise answer
            return answer
        finally:
            self._answered[page].set()


def client_for(session, concurrency, sleeps=None):
    return CloudflareClient(ACCOUNT, {'Authorization': 'Bearer ' + TOKEN}, base_url='http://cf.test/client/v4',
                            session=session, sleep=(sleeps if sleeps is not None else []).append, secrets=(TOKEN,),
                            documented_only=False, list_concurrency=concurrency)


def page_of(page, ids, total_count, total_pages=None, **info):
    result_info = {'page': page, 'per_page': PER_PAGE, 'count': len(ids), 'total_count': total_count,
                   'total_pages': total_pages if total_pages is not None else -(-total_count // PER_PAGE)}
    result_info.update(info)
    return ok([{'id': identity} for identity in ids], result_info=result_info)


def account(count):
    """The pages of an account of ``count`` users u1, u2, ..., PER_PAGE a page, and an empty page after them."""
    ids = ['u%d' % n for n in range(1, count + 1)]
    pages = dict((n + 1, [page_of(n + 1, ids[start:start + PER_PAGE], count)])
                 for n, start in enumerate(range(0, count, PER_PAGE)))
    pages[len(pages) + 1] = [page_of(len(pages) + 1, [], count)]
    return pages


def outcome(pages, concurrency, after=None):
    """What paginate makes of these pages: ('items', ids) or ('error', type, message); and the pages asked for."""
    session = PagedSession(pages, after=after)
    client = client_for(session, concurrency)
    try:
        items = client.paginate('/users')
    except CloudflareError as exc:
        return ('error', type(exc).__name__, str(exc)), session.asked
    return ('items', [item['id'] for item in items]), session.asked


def test_pages_that_arrive_in_any_order_give_the_api_order():
    # Page 2 comes last, page 3 after page 4: the result is still the API's order, each page asked for once.
    pages = account(9)
    (kind, ids), asked = outcome(pages, 4, after={2: 5, 3: 4})
    assert (kind, ids) == ('items', ['u%d' % n for n in range(1, 10)])
    assert sorted(asked) == [1, 2, 3, 4, 5] and asked[0] == 1


def test_the_requests_are_those_of_a_listing_read_one_page_after_the_other():
    for concurrency in (1, 2, 4, 16):
        session = PagedSession(account(20))
        client = client_for(session, concurrency)
        assert len(client.paginate('/users')) == 20
        assert sorted(session.asked) == list(range(1, 11)), concurrency
        assert client.spending()['api_requests'] == {'GET': 10}


def test_no_more_pages_than_list_concurrency_are_under_way_or_held():
    under_way, most = [0], [0]
    lock = threading.Lock()

    class Counting(PagedSession):
        def request(self, method, url, params=None, json=None, **kwargs):  # pylint: disable=redefined-outer-name
            with lock:
                under_way[0] += 1
                most[0] = max(most[0], under_way[0])
            try:
                return super(Counting, self).request(method, url, params=params, json=json, **kwargs)
            finally:
                with lock:
                    under_way[0] -= 1

    # Page 2 is held until page 4 arrived: pages 5 on wait for page 2 (three at once beside it at most).
    session = Counting(account(20), after={2: 4})
    assert len(client_for(session, 3).paginate('/users')) == 20
    assert most[0] <= 3


def test_a_user_seen_on_two_pages_is_one_user_at_the_first_place_with_the_later_copy():
    pages = account(6)
    # u4 moved from the end of page 2 to the start of page 3 while the account changed: page 3 lists it again, fresher.
    moved = {'page': 3, 'per_page': 2, 'count': 2, 'total_count': 6, 'total_pages': 3}
    pages[3] = [ok([{'id': 'u4', 'fresh': True}, {'id': 'u5'}], result_info=moved)]
    pages[4] = [page_of(4, ['u6'], 6, total_pages=3)]
    pages[5] = [page_of(5, [], 6, total_pages=3)]
    session = PagedSession(pages, after={2: 3})
    items = client_for(session, 4).paginate('/users', complete=False)
    assert [item['id'] for item in items] == ['u1', 'u2', 'u3', 'u4', 'u5', 'u6']
    assert items[3] == {'id': 'u4', 'fresh': True}
    # Page 4 lies past total_pages=3: the same problems as one page after the other.
    sequential = client_for(PagedSession(pages), 1).paginate('/users', complete=False)
    assert items.problems == sequential.problems and items.problems


def lying(number, **change):
    """An account of 8 users whose page ``number`` changes its answer (``change``: result_info fields, or ids)."""
    pages = account(8)
    ids = change.pop('ids', None)
    answer = pages[number][0]
    if ids is not None:
        answer = page_of(number, ids, 8, **change)
    elif change:
        body = json.loads(answer.text)
        body['result_info'].update(change)
        answer = ok(body['result'], result_info=body['result_info'])
    pages[number] = [answer]
    return pages


def replaced(number, answer):
    pages = account(8)
    pages[number] = [answer]
    return pages


LIARS = [
    ('total_count grows on page 3', lying(3, total_count=9)),
    ('total_pages shrinks on page 2', lying(2, total_pages=3)),
    ('page 3 says it is page 2', lying(3, page=2)),
    ('page 2 holds fewer than per_page and more are announced', lying(2, ids=['u3'])),
    ('page 4 holds one user more than per_page', lying(4, ids=['u7', 'u8', 'u9'])),
    ('page 3 repeats page 1', lying(3, ids=['u1', 'u2'])),
    ('page 2 counts wrong', lying(2, count=5)),
    ('the last page is empty', lying(4, ids=[])),
    ('total_count shrinks on page 4', lying(4, total_count=7)),
    ('page 3 is not a list', replaced(3, ok({'id': 'u5'}))),
    ('page 1 announces no total_count', replaced(1, ok([{'id': 'u1'}, {'id': 'u2'}],
                                                       result_info={'per_page': 2, 'total_pages': 4}))),
]


@pytest.mark.parametrize('pages', [pages for _name, pages in LIARS], ids=[name for name, _pages in LIARS])
@pytest.mark.parametrize('concurrency', [2, 4])
def test_every_listing_ends_as_when_its_pages_are_read_one_after_the_other(pages, concurrency):
    one_by_one, asked_one_by_one = outcome(pages, 1)
    # Page 2, the first read ahead, arrives after the last page of the window read ahead with it.
    side_by_side, asked_side_by_side = outcome(pages, concurrency, after={2: min(concurrency + 1, 4)})
    assert side_by_side == one_by_one
    # Pages past the one that ended the listing may have been read; none past the 4 that page 1 announced.
    assert set(asked_one_by_one) <= set(asked_side_by_side) <= {1, 2, 3, 4}


def test_no_page_is_read_ahead_past_the_fewest_pages_that_page_1_allows():
    # total_count=3 at 2 a page: the listing ends at page 2 (a lie of total_pages=3 beside it is named, page 3 unread).
    pages = account(5)
    pages[1] = [page_of(1, ['u1', 'u2'], 3, total_pages=3)]
    pages[2] = [page_of(2, ['u3', 'u4'], 3, total_pages=3)]
    one_by_one, asked_one_by_one = outcome(pages, 1)
    side_by_side, asked_side_by_side = outcome(pages, 4)
    assert side_by_side == one_by_one and side_by_side[1] == 'CloudflareListingError'
    assert sorted(asked_side_by_side) == sorted(asked_one_by_one) == [1, 2]


def test_a_listing_that_contradicts_itself_is_refused_word_for_word():
    (kind, name, message), _asked = outcome(lying(3, total_count=9), 4, after={2: 4})
    assert (kind, name) == ('error', 'CloudflareListingError')
    assert message == (
        'The Cloudflare API listing GET /users contradicts itself, so the task does not act on it (nothing was '
        'written): page 3: total_pages=4 does not match total_count=9 at per_page=2. Its pages may hold more or fewer '
        'users than it says; run the task again, and if the listing still contradicts itself, tell Cloudflare')


def test_a_failing_page_stops_the_rest():
    pages = account(20)
    pages[2] = [failure(400, 7003, 'no such page')]
    session = PagedSession(pages)
    client = client_for(session, 2)
    with pytest.raises(CloudflareAPIError) as info:
        client.paginate('/users')
    assert str(info.value) == ('Cloudflare API error on GET /users: HTTP 400, 7003: no such page (page 2 of the listing, '
                               '2 items read before it)')
    # Two at once: page 3 may have been sent before page 2's failure was known, nothing after it.
    assert sorted(session.asked) in ([1, 2], [1, 2, 3])


def test_a_page_that_fails_after_later_pages_arrived_is_named_with_what_came_before_it():
    pages = account(20)
    pages[4] = [failure(400, 7003, 'no such page')]
    session = PagedSession(pages, after={3: 4})
    with pytest.raises(CloudflareAPIError) as info:
        client_for(session, 4).paginate('/users')
    assert str(info.value).endswith('(page 4 of the listing, 6 items read before it)')
    # Pages 2 to 4 were under way (and perhaps 5); none after page 4's failure was known.
    assert set(range(1, 5)) <= set(session.asked) and max(session.asked) <= 5


def test_a_page_is_retried_on_its_own():
    pages = account(8)
    pages[3] = [failure(503, 10002, 'busy'), pages[3][0]]
    session = PagedSession(pages)
    sleeps = []
    client = client_for(session, 4, sleeps=sleeps)
    assert [item['id'] for item in client.paginate('/users')] == ['u%d' % n for n in range(1, 9)]
    assert sorted(session.asked) == [1, 2, 3, 3, 4] and len(sleeps) == 1
    assert client.spending()['api_requests'] == {'GET': 5}


def test_each_page_is_reduced_as_it_arrives():
    # keep runs on the pages read ahead (in their threads), before they are merged.
    threads = set()

    def keep(raw):
        threads.add(threading.current_thread().name)
        return raw['id']

    session = PagedSession(account(8), after={2: 4})
    assert client_for(session, 4).paginate('/users', keep=keep) == ['u%d' % n for n in range(1, 9)]
    assert threading.current_thread().name in threads and len(threads) > 1


def test_an_answer_older_than_the_last_one_the_budget_learnt_from_is_not_learnt():
    client = client_for(PagedSession({}), 4)
    newer = {'Ratelimit': '"default";r=500;t=100', 'Ratelimit-Policy': '"default";q=1200;w=300'}
    older = {'Ratelimit': '"default";r=900;t=100', 'Ratelimit-Policy': '"default";q=1200;w=300'}
    client._answered(newer, 2.0)
    client._answered(older, 1.0)
    assert client.budget.limits['default'].left == 500
    client._answered(older, 3.0)
    assert client.budget.limits['default'].left == 900


def test_a_listing_that_states_no_count_is_read_one_page_after_the_other():
    unstated = {'page': 1, 'per_page': PER_PAGE, 'count': PER_PAGE}
    pages = {1: [ok([{'id': 'u1'}, {'id': 'u2'}], result_info=unstated)],
             2: [ok([], result_info=dict(unstated, page=2, count=0))]}
    assert outcome(pages, 4) == (('items', ['u1', 'u2']), [1, 2])


@pytest.mark.parametrize('info, first_size, pages', [
    ({'total_count': 5, 'total_pages': 9}, 2, 3),   # total_count at page 1's size decides, not total_pages
    ({'total_count': 3}, 1, 3),
    ({'total_pages': 4}, 2, 4),
    ({}, 2, 1),
])
def test_the_pages_read_ahead_are_the_fewest_page_one_allows(info, first_size, pages):
    assert _listing._fewest_pages(info, first_size) == pages


def test_waits_side_by_side_count_once_where_they_overlap():
    now = [0.0]
    counted = []
    # during is defined below: the lambda looks it up when the client sleeps.
    # pylint: disable-next=unnecessary-lambda
    client = CloudflareClient(ACCOUNT, {}, clock=lambda: now[0], sleep=lambda seconds: during(seconds))

    def during(seconds):
        # While the first wait (0 to 10 s) sleeps, two more start in other requests: 4 to 14 s, then 5 to 7 s.
        if now[0] == 0.0:
            now[0] = 4.0
            counted.append(client._wait(10))
            now[0] = 5.0
            counted.append(client._wait(2))

    counted.insert(0, client._wait(10))
    now[0] = 20.0
    counted.append(client._wait(3))     # alone again: counted whole
    assert counted == [10, 4.0, 0.0, 3]
    assert client.waited == 17.0


def test_a_wait_that_overlaps_the_longest_one_under_way_counts_only_past_its_end():
    now = [0.0]
    counted = []
    # during is defined below: the lambda looks it up when the client sleeps.
    # pylint: disable-next=unnecessary-lambda
    client = CloudflareClient(ACCOUNT, {}, clock=lambda: now[0], sleep=lambda seconds: during(seconds))

    def during(seconds):
        # Under the first wait (0 to 10 s): 4 to 14 s, 5 to 7 s, then 6 to 16 s: only 14 to 16 s is new.
        if now[0] == 0.0:
            for start, length in ((4.0, 10), (5.0, 2), (6.0, 10)):
                now[0] = start
                counted.append(client._wait(length))

    client._wait(10)
    assert counted == [4.0, 0.0, 2.0] and client.waited == 16.0
