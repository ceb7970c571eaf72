# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""users_file and seats_file (_list_files.list_file, _options.given_list): what a file may hold and how a bad one is
refused: only a regular file of at most 64 MiB, read without blocking; errors that name the place, never the text."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil
import socket
import tempfile
import threading

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils import _list_files
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._list_files import list_file
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._options import given_list
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import OptionsError
from ansible_collections.cloudflare_ops.zero_trust.plugins.modules import cloudflare_zt_seat, cloudflare_zt_users

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
     'is neither JSON nor YAML: a YAML syntax error at line 2, column 1, in the flow sequence that starts at line 1, '
     'column 1 (the file\'s text is not shown)'),
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
    monkeypatch.setattr(_list_files, 'yaml', None)
    path = tmp_path / 'people.yml'
    path.write_bytes(b'- email: ada@example.com\n')
    with pytest.raises(OptionsError) as info:
        list_file('users_file', str(path))
    assert str(info.value) == (
        'users_file %s is not JSON (Expecting value at line 1, column 1), and PyYAML, which reads YAML, is not '
        'installed for the Python that runs the module; nothing was written' % path)
    path.write_bytes(b'[{"email": "ada@example.com"}]')
    assert list_file('users_file', str(path)) == [{'email': 'ada@example.com'}]


# --- hostile files: only a regular file, of a bounded size, is read, and nothing blocks -------------------------------

# A read that blocks would hang the test run: every read of a hostile file runs in a thread given this long.
NO_HANG_SECONDS = 20


def refusal_without_blocking(option, path):
    """The message of list_file's refusal of ``path``, read in a thread so that a read that blocks fails the test
    instead of hanging it."""
    found = {}

    def read():
        try:
            list_file(option, path)
        except OptionsError as exc:
            found['msg'] = str(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(NO_HANG_SECONDS)
    if reader.is_alive():
        # Unblock an open() that waits for a writer, so that the thread ends with the test.
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail('list_file blocked on %s' % path)
    assert 'msg' in found, 'list_file accepted %s' % path
    return found['msg']


@pytest.fixture
def fifo(tmp_path):
    path = str(tmp_path / 'people.fifo')
    os.mkfifo(path)
    return path


def test_a_fifo_is_refused_without_waiting_for_a_writer(fifo):
    assert refusal_without_blocking('users_file', fifo) == (
        'users_file %s is a FIFO (named pipe), not a regular file: only a regular file is read; nothing was written'
        % fifo)


def test_a_fifo_put_in_the_place_of_a_regular_file_after_the_check_is_refused_without_blocking(fifo, monkeypatch):
    # os.stat sees a regular file, the open file is the FIFO: the open does not wait, and fstat refuses it.
    regular = os.stat(__file__)
    monkeypatch.setattr(_list_files.os, 'stat', lambda path: regular)
    assert refusal_without_blocking('seats_file', fifo).startswith(
        'seats_file %s is a FIFO (named pipe), not a regular file' % fifo)


@pytest.mark.parametrize('path, kind', [('/dev/zero', 'a character device'), ('/dev/null', 'a character device')])
def test_a_device_is_refused_without_being_read(path, kind, monkeypatch):
    monkeypatch.setattr(_list_files.os, 'read', lambda *args: pytest.fail('a device was read'))
    assert refusal_without_blocking('users_file', path) == (
        'users_file %s is %s, not a regular file: only a regular file is read; nothing was written' % (path, kind))


def test_a_directory_and_a_socket_are_refused(tmp_path):
    assert refusal_without_blocking('users_file', str(tmp_path)) == (
        'users_file %s is a directory, not a regular file: only a regular file is read; nothing was written' % tmp_path)
    # A socket's path must be short: AF_UNIX allows about 100 bytes.
    directory = tempfile.mkdtemp()
    path = os.path.join(directory, 's')
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(path)
        assert refusal_without_blocking('seats_file', path).startswith(
            'seats_file %s is a socket, not a regular file' % path)
    finally:
        server.close()
        shutil.rmtree(directory)


def test_the_size_limit_is_64_mib_and_documented():
    assert _list_files.MAX_LIST_FILE_BYTES == 64 * 1024 * 1024
    for module in (cloudflare_zt_users, cloudflare_zt_seat):
        assert 'more than 64 MiB' in module.DOCUMENTATION


def test_a_file_of_the_size_limit_is_read_and_one_byte_more_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(_list_files, 'MAX_LIST_FILE_BYTES', 1024)
    path = tmp_path / 'people.json'
    path.write_bytes(b'[{"email": "ada@example.com"}]'.ljust(1024))
    assert list_file('users_file', str(path)) == [{'email': 'ada@example.com'}]
    path.write_bytes(b'[{"email": "ada@example.com"}]'.ljust(1025))
    monkeypatch.setattr(_list_files.os, 'read', lambda *args: pytest.fail('a file too large was read'))
    with pytest.raises(OptionsError) as info:
        list_file('users_file', str(path))
    assert str(info.value) == ('users_file %s is larger than 64 MiB (1024 bytes), the most a list file may hold; '
                               'nothing was written' % path)


def test_a_file_longer_than_its_size_says_is_read_only_one_byte_past_the_limit(monkeypatch):
    # Files of /proc say they have 0 bytes, as a file that grows while it is read says fewer bytes than it gives.
    monkeypatch.setattr(_list_files, 'MAX_LIST_FILE_BYTES', 100)
    assert os.stat('/proc/self/maps').st_size == 0
    read = []
    real_read = os.read

    def counted_read(fd, size):
        chunk = real_read(fd, size)
        read.append(len(chunk))
        return chunk

    monkeypatch.setattr(_list_files.os, 'read', counted_read)
    with pytest.raises(OptionsError) as info:
        list_file('users_file', '/proc/self/maps')
    assert 'is larger than 64 MiB (100 bytes)' in str(info.value)
    assert sum(read) == 101


# --- parse errors name the place, never the text -------------------------------------------------------------------

SECRET = 'hunter2-s3cr3t-TOKEN'


@pytest.fixture
def loader(request, monkeypatch):
    """The YAML loader of the test: over libyaml's parser, or in pure Python (a host whose PyYAML lacks libyaml)."""
    monkeypatch.setattr(_list_files, 'YAML_LOADER', {'libyaml': _list_files._LibyamlLoader,
                                                     'pure Python': _list_files._PythonLoader}[request.param])
    return request.param


@pytest.mark.parametrize('loader', ['libyaml', 'pure Python'], indirect=True)
@pytest.mark.parametrize('content, problem', [
    # libyaml used to echo a value that starts with ! as a tag; the pure-Python loader printed the offending line.
    ('- email: ada@example.com\n  name: !%s x\n' % SECRET,
     'is neither JSON nor YAML: a tag or a key YAML cannot read safely at line 2, column 9'),
    ('- email: ada@example.com\n  name: Ada\n password: %s\n' % SECRET,
     'is neither JSON nor YAML: a YAML syntax error at line 3, column 2, in the block collection that starts at '
     'line 1, column 1'),
    ('- [email: ada@example.com, %s\n' % SECRET,
     'is neither JSON nor YAML: a YAML syntax error at line 2, column 1, in the flow sequence that starts at line 1, '
     'column 3'),
    ('- email: ada@example.com\n  name: "%s\x07"\n' % SECRET,
     'is neither JSON nor YAML: a character YAML does not accept (U+0007) at line 2, column 30'),
    ('- email: ada@example.com\n---\n- %s\n' % SECRET,
     'is neither JSON nor YAML: more than one document, or an anchor used twice at line 2, column 1'),
    ('- {email: ada@example.com, last_seen: 2024-02-30}\n# %s\n' % SECRET,
     'is YAML that a list file may not hold: a value that cannot be read (a date that does not exist, or a number '
     'too long) at line 1, column 39'),
])
def test_a_yaml_error_names_the_line_and_column_and_never_the_text(tmp_path, loader, content, problem):
    path = tmp_path / 'people.yml'
    path.write_text(content, encoding='utf-8')
    with pytest.raises(OptionsError) as info:
        list_file('users_file', str(path))
    assert SECRET not in str(info.value)
    assert str(info.value) == "users_file %s %s (the file's text is not shown); nothing was written" % (path, problem)


@pytest.mark.parametrize('loader', ['libyaml', 'pure Python'], indirect=True)
@pytest.mark.parametrize('where', ['state', 'access_seat'])
def test_an_alias_bomb_in_an_item_is_refused_at_its_first_alias(tmp_path, loader, where):
    # Nine aliases of nine aliases, ten times over: 9**10 'lol' once anything turns the item into text.
    levels = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'] + [
        'a%d: &a%d [%s]' % (level, level, ', '.join(['*a%d' % (level - 1)] * 9)) for level in range(1, 11)]
    path = tmp_path / 'people.yml'
    path.write_text('- email: ada@example.com\n  bombs: {%s}\n  %s: *a10\n' % (', '.join(levels), where), encoding='utf-8')
    with pytest.raises(OptionsError) as info:
        list_file('users_file', str(path))
    assert str(info.value) == (
        "users_file %s is YAML that a list file may not hold: an alias at line 2, column 75: a list file may not hold "
        "aliases, which can make a small file expand without bound (the file's text is not shown); nothing was written"
        % path)


@pytest.mark.parametrize('loader', ['libyaml', 'pure Python'], indirect=True)
def test_a_yaml_file_of_more_values_or_deeper_than_a_list_file_needs_is_refused(tmp_path, loader, monkeypatch):
    monkeypatch.setattr(_list_files, 'MAX_YAML_VALUES', 7)
    path = tmp_path / 'people.yml'
    path.write_text('- {email: ada@example.com, name: Ada}\n- {email: bob@example.com}\n', encoding='utf-8')
    with pytest.raises(OptionsError) as info:
        list_file('users_file', str(path))
    assert str(info.value) == (
        "users_file %s is YAML that a list file may not hold: value 8 at line 2, column 4: a YAML list file holds at "
        "most 7 values (items, keys and what they hold; a JSON file has no such limit) (the file's text is not shown); "
        "nothing was written" % path)
    path.write_text('- {email: ada@example.com, name: Ada}\n', encoding='utf-8')
    assert list_file('users_file', str(path)) == [{'email': 'ada@example.com', 'name': 'Ada'}]
    monkeypatch.setattr(_list_files, 'MAX_YAML_VALUES', 1000)
    # 20 values deep (19 lists and x) is read, 21 deep is refused (YAML only: JSON would read [[[...]]] first).
    path.write_text('- ' * 19 + 'x\n', encoding='utf-8')
    assert list_file('users_file', str(path))[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0] == ['x']
    path.write_text('- ' * 20 + 'x\n', encoding='utf-8')
    with pytest.raises(OptionsError) as info:
        list_file('users_file', str(path))
    assert 'is YAML that a list file may not hold: a value nested more than 20 deep at line 1, column 41' in str(info.value)


def test_the_value_limit_holds_100000_users_with_every_key():
    every_key = ('email', 'user_id', 'name', 'state', 'access_seat', 'gateway_seat')
    assert _list_files.MAX_YAML_VALUES >= 1 + 100000 * (1 + 2 * len(every_key))


def test_without_pyyaml_a_json_error_names_the_line_and_column_and_never_the_text(tmp_path, monkeypatch):
    monkeypatch.setattr(_list_files, 'yaml', None)
    path = tmp_path / 'people.json'
    path.write_bytes(b'[{"email": "ada@example.com",\n  "name": "\\q%s"}]' % SECRET.encode())
    with pytest.raises(OptionsError) as info:
        list_file('users_file', str(path))
    assert SECRET not in str(info.value)
    assert str(info.value).startswith('users_file %s is not JSON (Invalid \\escape at line 2, column 12), and PyYAML' % path)


@pytest.mark.parametrize('loader', ['libyaml', 'pure Python'], indirect=True)
@pytest.mark.parametrize('content, where', [
    ('\n- a\n- "x\x07"\n- "\x07"\n- c\n- d\n', 'line 3, column 5'),   # the first of two, after a blank line
    ('\n"\x07"\n', 'line 2, column 2'),                               # after a line that is only a line break
    ('\x07\n- a\n', 'line 1, column 1'),                              # the file's very first character
])
def test_a_character_yaml_refuses_is_placed_at_its_first_occurrence(tmp_path, loader, content, where):
    path = tmp_path / 'people.yml'
    path.write_text(content, encoding='utf-8')
    with pytest.raises(OptionsError) as info:
        list_file('users_file', str(path))
    assert "is neither JSON nor YAML: a character YAML does not accept (U+0007) at %s (the file's" % where in str(info.value)


def test_a_yaml_error_with_only_the_place_of_its_context_is_placed_there():
    mark = _list_files.yaml.Mark('people.yml', 7, 1, 2, None, None)
    only_context = _list_files.yaml.parser.ParserError('while parsing a flow sequence', mark, None, None)
    assert _list_files._yaml_problem(only_context, '') == 'a YAML syntax error at line 2, column 3'
    assert _list_files._yaml_problem(_list_files.yaml.parser.ParserError(), '') == 'a YAML syntax error'


def test_a_mode_that_is_no_kind_of_file_known_is_said_to_be_not_a_regular_file():
    assert _list_files._not_regular(0) == 'not a regular file'


@pytest.mark.parametrize('content, problem', [
    (b'[' * 100000, 'values nested too deeply'),
    (b'[' + b'1' * 5000 + b']', 'not JSON'),      # a number Python refuses to read: no line and column to name
])
def test_without_pyyaml_json_that_cannot_be_read_is_refused_saying_why(tmp_path, monkeypatch, content, problem):
    monkeypatch.setattr(_list_files, 'yaml', None)
    path = tmp_path / 'people.json'
    path.write_bytes(content)
    with pytest.raises(OptionsError) as info:
        list_file('users_file', str(path))
    assert str(info.value).startswith('users_file %s is not JSON (%s), and PyYAML' % (path, problem))


def test_a_file_of_more_than_one_read_is_read_whole_up_to_the_limit(tmp_path):
    path = tmp_path / 'big'
    path.write_bytes(b'a' * (1024 * 1024) + b'b' * (1024 * 1024))
    fd = os.open(str(path), os.O_RDONLY)
    try:
        assert _list_files._read_at_most(fd, 1024 * 1024 + 2) == b'a' * (1024 * 1024) + b'bb'
    finally:
        os.close(fd)


def test_a_file_that_grew_past_the_limit_while_read_is_refused_naming_the_option_and_the_path(monkeypatch):
    monkeypatch.setattr(_list_files, 'MAX_LIST_FILE_BYTES', 100)
    with pytest.raises(OptionsError) as info:
        list_file('seats_file', '/proc/self/maps')
    assert str(info.value) == ('seats_file /proc/self/maps is larger than 64 MiB (100 bytes), the most a list file may '
                               'hold; nothing was written')


def test_a_limit_one_byte_past_a_whole_read_reads_that_byte_too(tmp_path):
    path = tmp_path / 'big'
    path.write_bytes(b'a' * (1024 * 1024) + b'bc')
    fd = os.open(str(path), os.O_RDONLY)
    try:
        assert _list_files._read_at_most(fd, 1024 * 1024 + 1) == b'a' * (1024 * 1024) + b'b'
    finally:
        os.close(fd)


def test_without_pyyaml_a_missing_colon_is_named_whole(tmp_path, monkeypatch):
    # "Expecting ':' delimiter" holds a colon of its own: the message was cut to "Expecting '".
    monkeypatch.setattr(_list_files, 'yaml', None)
    path = tmp_path / 'people.json'
    path.write_bytes(b'[{"email" "ada@example.com"}]')
    with pytest.raises(OptionsError) as info:
        list_file('users_file', str(path))
    assert str(info.value).startswith("users_file %s is not JSON (Expecting ':' delimiter at line 1, column 11), and "
                                      "PyYAML" % path)
