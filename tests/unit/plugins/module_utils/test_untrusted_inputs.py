# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A value quoted in a message is shortened before it is turned into text (_redact.quoted): an item's state or seat
flag from a file may be a list that holds itself a thousand times over, whose whole repr() would take gigabytes."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.items import parse_seat_items, parse_user_items
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.redact import QUOTED_MAX, _write_repr, clipped, quoted


class NeverShown(object):
    """A value whose text must not be made: it stands past the part of a value that a message shows."""

    def __repr__(self):
        raise AssertionError('repr() was called on the whole value')


def alias_bomb(levels=30):
    """What a YAML alias bomb loads as: nine references to nine references... to nine strings (9**31 'lol')."""
    value = ['lol'] * 9
    for _level in range(levels):
        value = [value] * 9
    return value


def test_a_value_that_fits_is_its_repr():
    for value in ('short', 42, 1.5, True, None, [1, 'a', {'k': (2,)}], {'access_seat': 'maybe'}, (), set(), b'x'):
        assert quoted(value) == repr(value)


@pytest.mark.parametrize('value, shown', [
    ('a' * 10240, repr('a' * 59)[:60] + '... (10240 characters)'),
    (b'b' * 100, repr(b'b' * 59)[:60] + '... (100 bytes)'),
    (list(range(100)), repr(list(range(100)))[:60] + '... (a list of 100 items)'),
    ({'k%d' % i: i for i in range(20)}, repr({'k%d' % i: i for i in range(20)})[:60] + '... (a dict of 20 keys)'),
    ([['x' * 100]], repr([['x' * 100]])[:60] + '... (a list of 1 item)'),
])
def test_a_long_value_is_cut_and_its_size_said(value, shown):
    assert quoted(value) == shown


def test_only_the_start_of_a_nested_value_is_turned_into_text():
    # The part past the limit is never asked for its text, however it would answer.
    assert quoted(['a' * 100, NeverShown()]) == "['" + 'a' * 58 + '... (a list of 2 items)'
    assert quoted({'state': 'x' * 100, 'more': NeverShown()}).endswith('... (a dict of 2 keys)')
    assert quoted([[['y' * 70, NeverShown()]]]) == "[[['" + 'y' * 56 + '... (a list of 1 item)'


def test_an_alias_bomb_and_a_list_that_holds_itself_are_quoted_in_bounded_text():
    shown = quoted(alias_bomb())
    assert shown == "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[['lol', 'lol', 'lol', 'lol', '... (a list of 9 items)"
    assert len(shown) <= QUOTED_MAX + len('... (a list of 9 items)')
    itself = []
    itself.append(itself)
    assert quoted(itself) == '[' * QUOTED_MAX + '... (a list of 1 item)'


@pytest.mark.parametrize('key', ['state', 'access_seat', 'gateway_seat'])
def test_an_alias_bomb_in_a_users_item_gives_a_short_message(key):
    _items, problems = parse_user_items([{'email': 'ada@example.com', key: alias_bomb()}], list_name='users_file')
    assert len(problems) == 1
    assert problems[0].endswith("got [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[['lol', 'lol', 'lol', 'lol', '... (a list of 9 items)")
    assert len(problems[0]) < 300


def test_an_alias_bomb_as_a_seat_identifier_gives_a_short_message():
    _items, problems = parse_seat_items([{'email': alias_bomb(), 'access_seat': True}], list_name='seats_file')
    assert problems == ["seats_file[0] (email [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[['lol', 'lol', 'lol', 'lol', '... (a list of 9 "
                        "items)): email must be a string, got list"]


def test_an_unsupported_key_of_a_megabyte_is_named_by_its_start_and_length():
    key = 'k' * 1000000
    _items, problems = parse_user_items([{'email': 'ada@example.com', key: 1}], list_name='users_file')
    assert problems[0].startswith("users_file[0] (email 'ada@example.com'): unsupported key %s... (1000000 characters) "
                                  "(supported: " % ('k' * QUOTED_MAX))
    assert len(problems[0]) < 400
    assert clipped('short') == 'short'


def test_a_name_of_exactly_the_limit_is_shown_whole_and_one_more_character_is_cut():
    assert clipped('k' * QUOTED_MAX) == 'k' * QUOTED_MAX
    assert clipped('k' * (QUOTED_MAX + 1)) == 'k' * QUOTED_MAX + '... (%d characters)' % (QUOTED_MAX + 1)


def test_the_size_of_a_cut_dict_of_one_key_and_of_a_long_number():
    assert quoted({'k': 'v' * 100}).endswith('... (a dict of 1 key)')
    assert quoted(10 ** 99) == '1' + '0' * (QUOTED_MAX - 1) + '... (100 characters)'


def test_a_value_whose_repr_is_exactly_the_limit_is_quoted_whole():
    value = 'q' * (QUOTED_MAX - 2)
    assert quoted(value) == repr(value)


@pytest.mark.parametrize('value', [[[]] * 1000, [[[]]] * 1000, dict((n, []) for n in range(1000)), 'x' * 1000])
def test_only_about_as_much_of_a_value_as_a_message_shows_is_turned_into_text(value):
    parts = []
    assert _write_repr(value, parts, QUOTED_MAX + 1) <= 0
    assert QUOTED_MAX < len(''.join(parts)) <= QUOTED_MAX + 10


def test_a_value_cut_one_character_past_the_limit_is_said_to_be_cut():
    # '[10' and then ', 0' nineteen times leave one character wanted; a dict's key can leave one too.
    assert quoted([10] + [0] * 30) == '[10' + ', 0' * 19 + '... (a list of 31 items)'
    key = 'k' * (QUOTED_MAX - 3)
    assert quoted({key: 1}) == '{%r... (a dict of 1 key)' % key
