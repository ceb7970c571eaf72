# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""users_file and seats_file (_options.list_file, given_list): what a file may hold and how a bad one is refused."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._errors import OptionsError
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._options import given_list, list_file

WANTED = [{'email': 'ada@example.com', 'name': 'Ada', 'access_seat': True}, {'email': 'bob@example.com'}]


@pytest.mark.parametrize('content', [
    b'[{"email": "ada@example.com", "name": "Ada", "access_seat": true}, {"email": "bob@example.com"}]',
    b'\xef\xbb\xbf[{"email": "ada@example.com", "name": "Ada", "access_seat": true}, {"email": "bob@example.com"}]',
    b'# the staff\n- email: ada@example.com\n  name: Ada\n  access_seat: yes\n- {email: bob@example.com}\n',
])
def test_a_json_or_yaml_list_is_read_whatever_its_form(tmp_path, content):
    path = tmp_path / 'people'
    path.write_bytes(content)
    assert list_file('users_file', str(path)) == WANTED


@pytest.mark.parametrize('content, got', [
    (b'users:\n  - email: ada@example.com\n', 'got dict'),
    (b'42', 'got int'),
    (b'"ada@example.com"', 'got str'),
    (b'', 'got nothing'),
])
def test_a_file_that_holds_no_list_is_refused_naming_what_it_holds(tmp_path, content, got):
    path = tmp_path / 'seats.yml'
    path.write_bytes(content)
    with pytest.raises(OptionsError) as info:
        list_file('seats_file', str(path))
    assert str(info.value) == 'seats_file %s must hold a list of items (as seats takes them), %s; nothing was written' % (
        path, got)


def test_given_list_names_the_option_the_items_came_from(tmp_path):
    path = tmp_path / 'people.json'
    path.write_text('[]', encoding='utf-8')
    assert given_list({'users': None, 'users_file': str(path)}, 'users') == ([], 'users_file')
    assert given_list({'users': WANTED, 'users_file': None}, 'users') == (WANTED, 'users')
    assert given_list({'seats': None}, 'seats') == (None, 'seats')
