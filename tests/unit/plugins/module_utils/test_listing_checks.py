# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""api/listing.py's checks of a page, word for word: what result_info may hold, what a page contradicts, when a listing
ends, and the message of a listing with more contradictions than it names."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import CloudflareListingError
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.listing import (
    Listing,
    last_page,
    page_problems,
    result_info_numbers,
)
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.module_utils.test_client import make_client, ok


@pytest.mark.parametrize('result_info, numbers, problems', [
    (None, {}, []),
    ('page 1', {}, ['result_info is not an object']),
    ([1], {}, ['result_info is not an object']),
    ({'count': 2, 'page': 1.0, 'per_page': 0, 'total_count': None}, {'count': 2, 'page': 1, 'per_page': 0}, []),
    ({'count': True}, {}, ['result_info.count is not a count (got true)']),
    ({'page': -1}, {}, ['result_info.page is not a count (got -1)']),
    ({'per_page': 1.5}, {}, ['result_info.per_page is not a count (got 1.5)']),
    ({'total_count': '7'}, {}, ['result_info.total_count is not a count (got "7")']),
    ({'total_pages': float('inf')}, {}, ['result_info.total_pages is not a count (got Infinity)']),
    ({'total_pages': 'x' * 100}, {}, ['result_info.total_pages is not a count (got "%s)' % ('x' * 39)]),
    ({'count': [1], 'total_pages': 3}, {'total_pages': 3}, ['result_info.count is not a count (got [1])']),
])
def test_result_info_numbers_are_counts_or_named_problems(result_info, numbers, problems):
    assert result_info_numbers(result_info) == (numbers, problems)


@pytest.mark.parametrize('page, size, info, listed, stated, problems', [
    (1, 2, {'page': 1, 'count': 2, 'per_page': 2, 'total_count': 2, 'total_pages': 1}, 2, {}, []),
    (1, 2, {'count': 3}, 2, {}, ['result_info.count=3, but the page holds 2']),
    (2, 1, {'page': 1}, 3, {}, ['result_info.page=1']),
    (1, 3, {'per_page': 2}, 3, {}, ['the page holds 3, more than per_page=2']),
    (1, 2, {'per_page': 2}, 2, {}, []),
    (1, 2, {'per_page': 2, 'total_count': 5, 'total_pages': 2}, 2, {},
     ['total_pages=2 does not match total_count=5 at per_page=2']),
    (1, 2, {'per_page': 2, 'total_count': 5, 'total_pages': 3}, 2, {}, []),
    (1, 0, {'per_page': 2, 'total_count': 0, 'total_pages': 1}, 0, {}, []),      # an empty account: one empty page
    (1, 0, {'per_page': 2, 'total_count': 0, 'total_pages': 0}, 0, {}, []),
    (1, 0, {'per_page': 2, 'total_count': 0, 'total_pages': 2}, 0, {},
     ['total_pages=2 does not match total_count=0 at per_page=2']),
    (1, 1, {'per_page': 2, 'total_pages': 3}, 1, {},
     ['the page holds 1, fewer than per_page=2, while total_pages=3 announces more pages']),
    (2, 1, {'per_page': 2}, 3, {'total_pages': 3},
     ['the page holds 1, fewer than per_page=2, while total_pages=3 announces more pages']),
    (3, 1, {'per_page': 2, 'total_pages': 3}, 5, {}, []),
    (3, 1, {}, 5, {'total_pages': 2}, ['holds users although total_pages=2']),
    (2, 1, {}, 5, {'total_pages': 2}, []),
    (1, 2, {'total_count': 1}, 2, {}, ['more users than total_count=1 (2 listed so far)']),
    (2, 1, {}, 3, {'total_count': 2}, ['more users than total_count=2 (3 listed so far)']),
    (1, 2, {'total_count': 2}, 2, {}, []),
    (2, 0, {}, 3, {'total_count': 5}, ['empty while total_count=5 says 2 more']),
    (2, 0, {'total_count': 3}, 3, {}, []),
    (2, 0, {}, 3, {'total_pages': 2}, ['empty while total_pages=2']),
    (2, 0, {'total_pages': 3}, 3, {}, ['empty while total_pages=3']),
    (3, 0, {}, 3, {'total_pages': 2}, []),
    (2, 0, {}, 3, {'total_pages': 2, 'total_count': 3}, []),
])
def test_what_a_page_contradicts_word_for_word(page, size, info, listed, stated, problems):
    assert page_problems(page, size, info, listed, stated) == problems


@pytest.mark.parametrize('page, size, info, listed, stated, last', [
    (1, 2, {'total_count': 2}, 2, {}, True),
    (1, 2, {'total_count': 3}, 2, {}, False),
    (2, 1, {}, 3, {'total_count': 3}, True),
    (1, 2, {'total_count': 3, 'total_pages': 1, 'per_page': 5}, 2, {}, False),   # total_count decides
    (2, 1, {'per_page': 2, 'total_pages': 2}, 3, {}, True),
    (3, 1, {'per_page': 2, 'total_pages': 2}, 5, {}, True),
    (1, 1, {'per_page': 2, 'total_pages': 2}, 1, {}, False),
    (2, 2, {'per_page': 2, 'total_pages': 2}, 4, {}, False),      # a full page: the next one says
    (2, 1, {'total_pages': 2}, 3, {}, False),                     # no per_page: no page is known to be short
    (2, 1, {'per_page': 2}, 3, {}, False),
    (2, 1, {'per_page': 2}, 3, {'total_pages': 2}, True),
])
def test_when_a_listing_ends(page, size, info, listed, stated, last):
    assert last_page(page, size, info, listed, stated) is last


def test_the_problems_of_a_listing_name_their_pages_once_each():
    listing = Listing('/users')
    listing.found(1, ['a', 'b'])
    listing.found(2, ['a'])
    listing.found(3, [])
    listing.found(4, ['a'])
    assert listing.problems == ['pages 1, 2, 4: a', 'page 1: b']
    assert listing.path == '/users'


def counted_wrong(page, count):
    return ok([{'id': 'u%d' % page}], result_info={'page': page, 'count': count})


def test_a_listing_with_more_contradictions_than_it_names_counts_the_others():
    script = [counted_wrong(page, 10 + page) for page in range(1, 8)] + [ok([], result_info={'page': 8})]
    client, _session, _sleeps = make_client(script)
    with pytest.raises(CloudflareListingError) as info:
        client.paginate('/users')
    named = '; '.join('page %d: result_info.count=%d, but the page holds 1' % (page, 10 + page) for page in range(1, 6))
    assert str(info.value) == (
        'The Cloudflare API listing GET /users contradicts itself, so the task does not act on it (nothing was '
        'written): %s; and 2 more. Its pages may hold more or fewer users than it says; run the task again, and if '
        'the listing still contradicts itself, tell Cloudflare' % named)
    assert len(info.value.problems) == 7
    assert (info.value.method, info.value.path, info.value.status) == ('GET', '/users', 200)


def test_a_listing_with_as_many_contradictions_as_it_names_has_no_count_of_others():
    script = [counted_wrong(page, 10 + page) for page in range(1, 6)] + [ok([], result_info={'page': 6})]
    client, _session, _sleeps = make_client(script)
    with pytest.raises(CloudflareListingError) as info:
        client.paginate('/users')
    assert 'more. Its pages' not in str(info.value) and 'page 5: result_info.count=15' in str(info.value)


def test_items_without_an_id_that_is_a_non_empty_string_are_all_kept():
    items = [{'id': ''}, {'id': ''}, {'id': 5}, {'id': 5}, {'name': 'x'}, 'x', {'id': 'a'}, {'id': 'a', 'v': 2}]
    client, _session, _sleeps = make_client([ok(items, result_info={'total_count': 7})])
    assert client.paginate('/users') == items[:6] + [{'id': 'a', 'v': 2}]


def test_the_contradictions_of_a_listing_are_named_up_to_1000_characters():
    long = 'x' * 100
    garbage = dict((name, long) for name in ('count', 'page', 'per_page', 'total_count', 'total_pages'))
    client, _session, _sleeps = make_client([ok([{'id': 'a'}], result_info=garbage), ok([], result_info=garbage)])
    with pytest.raises(CloudflareListingError) as info:
        client.paginate('/users')
    named = '; '.join('pages 1, 2: result_info.%s is not a count (got "%s)' % (name, 'x' * 39)
                      for name in ('count', 'page', 'per_page', 'total_count', 'total_pages'))
    assert len(named) > 200
    assert ': %s. Its pages may hold' % named in str(info.value)


def test_what_earlier_pages_stated_ends_a_listing_whose_later_pages_state_nothing():
    client, session, _sleeps = make_client([ok([{'id': 'a'}], result_info={'per_page': 1, 'total_count': 2}),
                                            ok([{'id': 'b'}])])
    assert [item['id'] for item in client.paginate('/users')] == ['a', 'b'] and len(session.calls) == 2
    client, session, _sleeps = make_client([ok([{'id': 'a'}], result_info={'per_page': 1, 'total_pages': 2}),
                                            ok([{'id': 'b'}], result_info={'per_page': 2})])
    assert [item['id'] for item in client.paginate('/users')] == ['a', 'b'] and len(session.calls) == 2
