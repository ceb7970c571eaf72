# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# The items of a task (domain/items.py) word for word: the labels of the single form and of lists, the spellings of a flag,
# the order of the problems; a failing later page of a listing, and a path segment refused, name what they are.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import CloudflareAPIError
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.operations import SegmentError
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.items import Item, parse_seat_items, parse_user_items
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.module_utils.test_client import failure, make_client, ok

ID = '6a8d6ba4-7b66-4b29-8a4a-0e6a2a1d1c11'


@pytest.mark.parametrize('spelling, value', [(' yes ', True), ('off', False), (1, True), (0, False), (1.0, True)])
def test_a_flag_takes_ansible_spellings(spelling, value):
    items, problems = parse_seat_items([{'email': 'a@example.com', 'access_seat': spelling}])
    assert (problems, items[0].access_seat) == ([], value)


@pytest.mark.parametrize('spelling', ['maybe', 2, 'truthy'])
def test_a_flag_that_is_no_boolean_is_refused(spelling):
    items, problems = parse_seat_items([{'email': 'a@example.com', 'gateway_seat': spelling}])
    assert items == []
    assert problems == ["seats[0] (email 'a@example.com'): gateway_seat must be a boolean (true or false), got %r" % (spelling,)]


def test_the_single_form_without_an_identifier_is_the_task():
    items, problems = parse_seat_items([{'access_seat': 'maybe'}], single=True)
    assert problems == ["the task: access_seat must be a boolean (true or false), got 'maybe'",
                        'the task: give exactly one of seat_uid, email or user_id, got none']


def test_the_single_form_with_two_identifiers_says_so_without_a_label():
    items, problems = parse_seat_items([{'email': 'a@example.com', 'user_id': ID, 'access_seat': True}], single=True)
    assert problems == ['give exactly one of seat_uid, email or user_id, got email and user_id']
    items, problems = parse_seat_items([{'email': 'a@example.com', 'user_id': ID, 'access_seat': True}])
    assert problems == ["seats[0] (email 'a@example.com', user_id '%s'): give exactly one of seat_uid, email or user_id, "
                        "got email and user_id" % ID]


def test_a_user_of_the_single_form_has_no_position():
    items, problems = parse_user_items([{'email': 'a@example.com', 'name': 'A', 'state': 'absent'}], single=True)
    assert problems == ['name cannot be used with state=absent: a user that is deleted has no name or seat to manage']
    items, problems = parse_user_items([{'email': 'a@example.com', 'name': 'A'}], single=True)
    assert (problems, items[0].index, items[0].label) == ([], None, "email 'a@example.com'")


def test_seat_items_that_disagree_are_named_after_the_problems_of_the_items_before_them():
    items, problems = parse_seat_items([
        {'email': 'a@example.com', 'access_seat': True},
        {'email': 'bad'},
        {'email': 'b@example.com', 'access_seat': True, 'gateway_seat': False},
        {'email': 'B@example.com', 'access_seat': False, 'gateway_seat': True},
    ])
    assert problems == [
        "seats[1]: email 'bad' is not an e-mail address such as jdoe@example.com",
        "seats[2] (email 'b@example.com'), seats[3] (email 'B@example.com') repeat the same identifier but disagree on "
        "access_seat and gateway_seat"]


def test_users_named_twice_are_named_at_the_first_of_them():
    items, problems = parse_user_items([{'email': 'a@example.com'}, {'email': 'bad'}, {'email': 'A@example.com'}])
    assert problems == [
        "users[0] (email 'a@example.com'), users[2] (email 'A@example.com') name the same email: list each user once",
        "users[1]: email 'bad' is not an e-mail address such as jdoe@example.com"]


def test_an_item_shows_what_it_wants():
    item = Item(index=0, email='a@example.com', name='A', access_seat=True)
    assert repr(item) == "Item(users[0] (email 'a@example.com'), name='A', state='present', access_seat=True, gateway_seat=None)"


def test_a_listing_that_fails_on_page_2_says_which_page():
    page = ok([{'id': 'u1'}, {'id': 'u2'}], result_info={'page': 1, 'per_page': 2, 'count': 2, 'total_count': 4, 'total_pages': 2})
    client, _session, _sleeps = make_client([page, failure(400, 1004, 'Invalid page')])
    with pytest.raises(CloudflareAPIError) as info:
        client.paginate('/users')
    assert str(info.value) == ('Cloudflare API error on GET /users: HTTP 400, 1004: Invalid page (page 2 of the listing, '
                               '2 items read before it)')
    assert info.value.args == (str(info.value),)


def test_a_segment_refused_keeps_what_was_refused():
    error = SegmentError('get_user', 'user_id', '../x')
    assert (error.operation, error.segment, error.value) == ('get_user', 'user_id', '../x')
    assert str(error) == "user_id '../x' is not a UUID, so it cannot be put in the path of GET /accounts/{account_id}/access/users/{user_id}"
