# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""users_file and seats_file (_options.list_file, given_list): what a file may hold and how a bad one is refused."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils import _options
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


@pytest.mark.parametrize('option, name, content, problem', [
    ('seats_file', 'seats.yml', b'users:\n  - email: ada@example.com\n',
     'must hold a list of items (as seats takes them), got dict'),
    ('seats_file', 'seats.yml', b'42', 'must hold a list of items (as seats takes them), got int'),
    ('seats_file', 'seats.yml', b'"ada@example.com"', 'must hold a list of items (as seats takes them), got str'),
    ('seats_file', 'seats.yml', b'', 'must hold a list of items (as seats takes them), got nothing'),
    ('users_file', 'missing.json', None, 'cannot be read (No such file or directory)'),
    ('users_file', 'people.json', b'[{"name": "Ren\xe9"}]', 'is not UTF-8 text (byte 14)'),
    ('seats_file', 'seats.yml', b'[unclosed',
     'is neither JSON nor YAML: while parsing a flow sequence in "<unicode string>", line 1, column 1 '
     'did not find expected \',\' or \']\' in "<unicode string>", line 2, column 1'),
])
def test_a_file_that_cannot_be_used_is_refused_word_for_word(tmp_path, option, name, content, problem):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(OptionsError) as info:
        list_file(option, str(path))
    assert str(info.value) == '%s %s %s; nothing was written' % (option, path, problem)


def test_given_list_names_the_option_the_items_came_from(tmp_path):
    path = tmp_path / 'people.json'
    path.write_text('[]', encoding='utf-8')
    assert given_list({'users': None, 'users_file': str(path)}, 'users') == ([], 'users_file')
    assert given_list({'users': WANTED, 'users_file': None}, 'users') == (WANTED, 'users')
    assert given_list({'seats': None}, 'seats') == (None, 'seats')


def test_without_pyyaml_a_file_that_is_not_json_is_refused_saying_why(tmp_path, monkeypatch):
    monkeypatch.setattr(_options, 'yaml', None)
    path = tmp_path / 'people.yml'
    path.write_bytes(b'- email: ada@example.com\n')
    with pytest.raises(OptionsError) as info:
        list_file('users_file', str(path))
    assert str(info.value) == (
        'users_file %s is not JSON (Expecting value: line 1 column 1 (char 0)), and PyYAML, which reads YAML, is not '
        'installed for the Python that runs the module; nothing was written' % path)
    path.write_bytes(b'[{"email": "ada@example.com"}]')
    assert list_file('users_file', str(path)) == [{'email': 'ada@example.com'}]
