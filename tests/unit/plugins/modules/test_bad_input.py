# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bad input, for every option of every module: a clear ``msg``, no traceback, and no request.

Each module's ``main()`` runs in this process, as Ansible would run it, with one option of an
otherwise valid task replaced by a wrong type or a wrong value. ``requests.Session`` is replaced by
a session that records and refuses every use, and ``socket.socket.connect`` refuses too: a case
passes only if the task failed before the client reached the network.

Wrong types: ansible-core turns any value of a ``type: str`` option into its text (``123``,
``True``, ``[1]`` become ``'123'``, ``'True'``, ``'[1]'``), so for a string option a wrong type is
a wrong value; the cases below give such texts to every string option whose value has a form
(identifiers, e-mails, URLs, credentials). Free-text options (``name``, ``search``) have no wrong
type, and their wrong values are the empty and blank strings.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import atexit
import contextlib
import io
import json
import math
import os
import re
import shutil
import socket
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from ansible.module_utils.common.validation import check_type_int
from ansible.module_utils.testing import patch_module_args

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api import transport as _transport
from ansible_collections.cloudflare_ops.zero_trust.plugins.modules import (
    cloudflare_zt_seat,
    cloudflare_zt_user,
    cloudflare_zt_user_info,
    cloudflare_zt_users,
)
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.budget import examples

ACCOUNT = '023e105f4ecef8ad9ca31a8372d0c353'
TOKEN = 'unit-token-0123456789abcdefghijklmnopqrstuv'
KEY = 'unit-global-key-0123456789abcdef'
BASE = 'https://api.example.test/client/v4'
JANE_ID = 'f174e90a-fafe-4643-bbbc-4a0ed4fc8415'

MODULES = {
    'cloudflare_zt_user_info': cloudflare_zt_user_info,
    'cloudflare_zt_user': cloudflare_zt_user,
    'cloudflare_zt_seat': cloudflare_zt_seat,
    'cloudflare_zt_users': cloudflare_zt_users,
}
# A valid task for each module; each case changes one option of it.
VALID = {
    'cloudflare_zt_user_info': {},
    'cloudflare_zt_user': {'email': 'jdoe@example.com', 'name': 'Jane Doe'},
    'cloudflare_zt_seat': {'email': 'jdoe@example.com', 'access_seat': True},
    'cloudflare_zt_users': {'users': [{'email': 'jdoe@example.com', 'name': 'Jane Doe', 'access_seat': True}]},
}
CONNECTION = {'api_token': TOKEN, 'account_id': ACCOUNT, 'api_base_url': BASE}
CONNECTION_OPTIONS = ('api_token', 'api_email', 'api_key', 'account_id', 'api_base_url', 'validate_certs', 'timeout',
                      'max_retry_wait', 'rate_limit_reserve', 'list_concurrency', 'rate_limit_ledger')
OWN_OPTIONS = {
    'cloudflare_zt_user_info': ('user_id', 'email', 'name', 'search', 'seat', 'inactive_days', 'never_logged_in'),
    'cloudflare_zt_user': ('user_id', 'email', 'name', 'state'),
    'cloudflare_zt_seat': ('seat_uid', 'email', 'user_id', 'access_seat', 'gateway_seat', 'seats', 'seats_file', 'exclusive_seats',
                           'allow_release_all', 'seat_batch_size', 'release_inactive', 'result_detail', 'revoke_sessions',
                           'revoke_devices', 'max_removals', 'allow_mass_removal'),
    'cloudflare_zt_users': ('users', 'users_file', 'exclusive_seats', 'allow_release_all', 'write_rate', 'seat_batch_size',
                            'release_inactive', 'result_detail', 'report_dir', 'revoke_sessions', 'revoke_devices',
                            'max_removals', 'allow_mass_removal'),
}


# Files for users_file and seats_file, made once per test session (the module reads them before any request).
FILES = tempfile.mkdtemp(prefix='zt-bad-input-')
atexit.register(shutil.rmtree, FILES, True)


def a_file(name, content):
    path = os.path.join(FILES, name)
    with open(path, 'wb') as handle:
        handle.write(content if isinstance(content, bytes) else content.encode('utf-8'))
    return path


NO_FILE = os.path.join(FILES, 'missing.json')
NOT_A_LIST = a_file('not-a-list.json', '{"email": "a@example.com"}')
EMPTY_FILE = a_file('empty.yml', '')
NOT_YAML = a_file('not-yaml.yml', 'users: [a, b\n  - c: d: e\n')
NOT_UTF8 = a_file('latin1.json', b'[{"name": "Ren\xe9"}]')
A_DIRECTORY = FILES
BAD_EMAIL_FILE = a_file('bad-email.json', '[{"email": "nope", "name": "N"}]')
BAD_SEATS_YAML = a_file('bad-seats.yml', '- email: a@example.com\n  access_seat: maybe\n- {}\n')
EMPTY_LIST_FILE = a_file('empty-list.json', '[]')


class NetworkUsed(Exception):
    pass


class RefusingSession(object):
    """Stands in for requests.Session: records every request and refuses it."""

    calls = []

    def __init__(self):
        self.headers = {}

    def request(self, method, url, **_kwargs):
        RefusingSession.calls.append((method, url))
        raise NetworkUsed('%s %s' % (method, url))


def refuse_connect(*_args, **_kwargs):
    RefusingSession.calls.append(('connect', None))
    raise NetworkUsed('socket connect')


def run_module(module_name, args, check_mode=False):
    """Run the module's main() with these arguments; return (result, requests sent)."""
    full = dict(CONNECTION)
    full.update(args)
    full = dict((key, value) for key, value in full.items() if value is not None)
    full.update(_ansible_check_mode=check_mode, _ansible_diff=True)
    RefusingSession.calls = []
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patcher:
        patcher.setattr(_transport.requests, 'Session', RefusingSession)
        patcher.setattr(socket.socket, 'connect', refuse_connect)
        with patch_module_args(full):
            with contextlib.redirect_stdout(out):
                with pytest.raises(SystemExit):
                    MODULES[module_name].main()
    return json.loads(out.getvalue()), list(RefusingSession.calls)


def _has_nul(value):
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return isinstance(value, str) and '\x00' in value


def check_refused(module_name, option, value, expect=None, base=None, check_mode=False):
    """The task with ``option: value`` fails with a clear message naming ``expect`` and sends nothing."""
    args = dict(VALID[module_name] if base is None else base)
    args[option] = value
    result, calls = run_module(module_name, args, check_mode=check_mode)
    text = json.dumps(result)
    assert calls == [], 'a request was attempted for %s=%r: %s' % (option, value, calls)
    assert result.get('failed') is True, 'accepted %s=%r: %s' % (option, value, text)
    msg = result.get('msg')
    assert isinstance(msg, str) and msg.strip(), text
    assert 'exception' not in result and 'Traceback' not in text, text
    assert not msg.startswith('Unexpected error'), msg
    assert TOKEN not in text and KEY not in text
    expected = expect or option
    expected = expected if isinstance(expected, tuple) else (expected,)
    if _has_nul(value):
        # ansible-core logs the options to syslog first, and refuses a NUL character with its own message.
        expected += ('embedded null character',)
    assert any(fragment in msg for fragment in expected), 'msg does not name %r: %s' % (expected, msg)
    return msg


# --- the hand-written table ------------------------------------------------------------------

KEY_PAIR = {'api_token': None, 'api_email': 'admin@example.com', 'api_key': KEY}

# (module, option, value, what the message must contain, the task it goes into (None: VALID))
TABLE = [
    # connection options, in every module
    ('cloudflare_zt_user_info', 'api_token', 'two words', 'api_token', None),
    ('cloudflare_zt_user_info', 'api_token', 'line\nbreak', 'api_token', None),
    ('cloudflare_zt_user_info', 'api_token', 'caf\u00e9', 'api_token', None),
    ('cloudflare_zt_user_info', 'api_token', '\u20ac' * 40, 'api_token', None),
    ('cloudflare_zt_user_info', 'api_token', '', 'No Cloudflare credentials', None),
    ('cloudflare_zt_user', 'api_key', KEY + '\n', 'api_key', dict(KEY_PAIR, email='jdoe@example.com')),
    ('cloudflare_zt_user', 'api_key', ' ' + KEY, 'api_key', dict(KEY_PAIR, email='jdoe@example.com')),
    ('cloudflare_zt_seat', 'api_key', KEY, 'mutually exclusive', None),
    ('cloudflare_zt_seat', 'api_key', None, 'api_key', dict(KEY_PAIR, api_key=None, email='a@example.com', access_seat=True)),
    ('cloudflare_zt_user_info', 'api_email', 'admin', 'api_email', KEY_PAIR),
    ('cloudflare_zt_user_info', 'api_email', 'admin@example.com\n', 'api_email', KEY_PAIR),
    ('cloudflare_zt_user_info', 'api_email', 42, 'api_email', KEY_PAIR),
    ('cloudflare_zt_user_info', 'api_email', '\u20ac@example.com', 'api_email', KEY_PAIR),
    ('cloudflare_zt_user_info', 'account_id', '', 'account_id', None),
    ('cloudflare_zt_user_info', 'account_id', ACCOUNT + '\n', 'account_id', None),
    ('cloudflare_zt_user', 'account_id', ACCOUNT[:-1], 'account_id', None),
    ('cloudflare_zt_seat', 'account_id', 12345, 'account_id', None),
    ('cloudflare_zt_seat', 'account_id', [ACCOUNT], 'account_id', None),
    ('cloudflare_zt_user_info', 'api_base_url', 'api.cloudflare.com/client/v4', 'api_base_url', None),
    ('cloudflare_zt_user_info', 'api_base_url', 'ftp://api.cloudflare.com', 'api_base_url', None),
    ('cloudflare_zt_user_info', 'api_base_url', 'https://api.cloudflare.com:99999/client/v4', 'api_base_url', None),
    ('cloudflare_zt_user', 'api_base_url', 'https://api. cloudflare.com', 'api_base_url', None),
    ('cloudflare_zt_seat', 'api_base_url', 'https://user:pw@api.cloudflare.com', 'api_base_url', None),
    ('cloudflare_zt_seat', 'api_base_url', 'https://[::1', 'api_base_url', None),
    ('cloudflare_zt_user_info', 'validate_certs', 'maybe', 'validate_certs', None),
    ('cloudflare_zt_user', 'validate_certs', 2, 'validate_certs', None),
    ('cloudflare_zt_seat', 'validate_certs', {'on': True}, 'validate_certs', None),
    ('cloudflare_zt_user_info', 'timeout', 'soon', 'timeout', None),
    ('cloudflare_zt_user_info', 'timeout', 0, 'timeout', None),
    ('cloudflare_zt_user', 'timeout', 'nan', 'timeout', None),
    ('cloudflare_zt_seat', 'timeout', 'inf', 'timeout', None),
    ('cloudflare_zt_seat', 'timeout', 1e300, 'timeout', None),
    ('cloudflare_zt_user_info', 'max_retry_wait', -1, 'max_retry_wait', None),
    ('cloudflare_zt_user', 'max_retry_wait', 'inf', 'max_retry_wait', None),
    ('cloudflare_zt_seat', 'max_retry_wait', [330], 'max_retry_wait', None),
    ('cloudflare_zt_users', 'rate_limit_reserve', -1, 'rate_limit_reserve', None),
    ('cloudflare_zt_user', 'rate_limit_reserve', 50.5, 'rate_limit_reserve', None),
    ('cloudflare_zt_seat', 'rate_limit_reserve', 'nan', 'rate_limit_reserve', None),
    ('cloudflare_zt_users', 'list_concurrency', 0, 'list_concurrency', None),
    ('cloudflare_zt_user_info', 'list_concurrency', 17, 'list_concurrency', None),
    ('cloudflare_zt_seat', 'list_concurrency', 'many', 'list_concurrency', None),
    ('cloudflare_zt_user', 'list_concurrency', 2.5, 'list_concurrency', None),
    ('cloudflare_zt_users', 'rate_limit_ledger', 'ledgers', 'rate_limit_ledger must be an absolute directory', None),
    ('cloudflare_zt_seat', 'rate_limit_ledger', ['/tmp/x'], 'rate_limit_ledger must be an absolute directory', None),
    # cloudflare_zt_user_info
    ('cloudflare_zt_user_info', 'user_id', 'not-a-uuid', 'user_id', None),
    ('cloudflare_zt_user_info', 'user_id', JANE_ID + '\n', 'user_id', None),
    ('cloudflare_zt_user_info', 'user_id', 42, 'user_id', None),
    ('cloudflare_zt_user_info', 'email', 'jdoe', 'email', None),
    ('cloudflare_zt_user_info', 'email', True, 'email', None),
    ('cloudflare_zt_user_info', 'name', '', 'name', None),
    ('cloudflare_zt_user_info', 'name', '   ', 'name', None),
    ('cloudflare_zt_user_info', 'search', '\t', 'search', None),
    ('cloudflare_zt_user_info', 'search', 'jdoe', 'mutually exclusive', {'user_id': JANE_ID}),
    ('cloudflare_zt_user_info', 'seat', 'both', 'seat', None),
    ('cloudflare_zt_user_info', 'seat', 1, 'seat', None),
    ('cloudflare_zt_user_info', 'colour', 'blue', 'colour', None),
    # cloudflare_zt_user
    ('cloudflare_zt_user', 'user_id', 'f174e90a', 'user_id', None),
    ('cloudflare_zt_user', 'user_id', None, 'user_id', {'name': 'Jane Doe'}),
    ('cloudflare_zt_user', 'email', 'jdoe@example', 'email', None),
    ('cloudflare_zt_user', 'email', ['jdoe@example.com'], 'email', None),
    ('cloudflare_zt_user', 'name', '', 'name', None),
    ('cloudflare_zt_user', 'name', 'Jane Doe', 'state=absent', {'email': 'jdoe@example.com', 'state': 'absent'}),
    ('cloudflare_zt_user', 'state', 'deleted', 'state', None),
    ('cloudflare_zt_user', 'state', True, 'state', None),
    # cloudflare_zt_seat, single form
    ('cloudflare_zt_seat', 'seat_uid', 'a b', 'seat_uid', {'access_seat': True}),
    ('cloudflare_zt_seat', 'seat_uid', 'x' * 37, 'seat_uid', {'access_seat': True}),
    ('cloudflare_zt_seat', 'seat_uid', '', 'seat_uid', {'access_seat': True}),
    ('cloudflare_zt_seat', 'email', 'nobody', 'email', None),
    ('cloudflare_zt_seat', 'user_id', 'nope', 'user_id', {'access_seat': False}),
    ('cloudflare_zt_seat', 'user_id', JANE_ID, 'mutually exclusive', None),
    ('cloudflare_zt_seat', 'access_seat', 'perhaps', 'access_seat', None),
    ('cloudflare_zt_seat', 'access_seat', None, 'access_seat', {'email': 'jdoe@example.com'}),
    ('cloudflare_zt_seat', 'gateway_seat', [True], 'gateway_seat', None),
    ('cloudflare_zt_seat', 'exclusive_seats', True, 'exclusive_seats needs seats', None),
    ('cloudflare_zt_seat', 'exclusive', True, 'exclusive_seats needs seats', None),
    ('cloudflare_zt_seat', 'exclusive', 'always', 'exclusive', None),
    ('cloudflare_zt_seat', 'allow_release_all', True, 'allow_release_all', None),
    ('cloudflare_zt_seat', 'allow_release_all', 'sure', 'allow_release_all', None),
    # cloudflare_zt_seat, bulk form
    ('cloudflare_zt_seat', 'seats', [{'email': 'a@example.com'}], 'mutually exclusive', None),
    # ansible-core's own message for a text that is not a dictionary does not name the option.
    ('cloudflare_zt_seat', 'seats', 'alice', 'dictionary requested', {}),
    ('cloudflare_zt_seat', 'seats', [7], 'seats', {}),
    ('cloudflare_zt_seat', 'seats', {'email': 'a@example.com'}, 'seats', {}),
    ('cloudflare_zt_seat', 'seats', [{}], 'seats[0]', {}),
    ('cloudflare_zt_seat', 'seats', [{'email': 'a@example.com', 'colour': 'red'}], 'colour', {}),
    ('cloudflare_zt_seat', 'seats', [{'email': 'a@example.com', 'access_seat': 'maybe'}], 'access_seat', {}),
    ('cloudflare_zt_seat', 'seats', [{'email': 'a@example.com', 'user_id': JANE_ID}], 'seats[0]', {}),
    ('cloudflare_zt_seat', 'seats', [{'user_id': 'x'}], 'seats[0]', {}),
    ('cloudflare_zt_seat', 'seats', [{'seat_uid': ' '}], 'seats[0]', {}),
    ('cloudflare_zt_seat', 'seats', [{'email': 'a@example.com', 'access_seat': True},
                                     {'email': 'A@example.com', 'access_seat': False}], 'disagree', {}),
    ('cloudflare_zt_seat', 'seats', [], 'allow_release_all', {'exclusive': True}),
    ('cloudflare_zt_seat', 'seat_batch_size', 0, 'seat_batch_size', None),
    ('cloudflare_zt_seat', 'seat_batch_size', -5, 'seat_batch_size', None),
    ('cloudflare_zt_seat', 'seat_batch_size', 'many', 'seat_batch_size', None),
    ('cloudflare_zt_seat', 'seat_batch_size', 2.5, 'seat_batch_size', None),
    # cloudflare_zt_users
    ('cloudflare_zt_users', 'users', None, 'users', {}),
    ('cloudflare_zt_users', 'users', 'alice', 'dictionary requested', {}),
    ('cloudflare_zt_users', 'users', [7], 'users', {}),
    ('cloudflare_zt_users', 'users', [{}], 'users[0]', {}),
    ('cloudflare_zt_users', 'users', [{'name': 'Jane'}], 'users[0]', {}),
    ('cloudflare_zt_users', 'users', [{'email': 'a@example.com', 'colour': 'red'}], 'colour', {}),
    ('cloudflare_zt_users', 'users', [{'email': 'nope'}], "users[0]: email 'nope' is not an e-mail address", {}),
    ('cloudflare_zt_users', 'users', [{'user_id': 'x'}], 'users[0]', {}),
    ('cloudflare_zt_users', 'users', [{'email': 'a@example.com', 'name': ''}], 'users[0]', {}),
    ('cloudflare_zt_users', 'users', [{'email': 'a@example.com', 'name': [1]}], 'name', {}),
    ('cloudflare_zt_users', 'users', [{'email': 'a@example.com', 'state': 'gone'}], 'state', {}),
    ('cloudflare_zt_users', 'users', [{'email': 'a@example.com', 'state': 'absent', 'name': 'A'}], 'state=absent', {}),
    ('cloudflare_zt_users', 'users', [{'email': 'a@example.com', 'access_seat': 'maybe'}], 'access_seat', {}),
    ('cloudflare_zt_users', 'users', [{'email': 'a@example.com', 'gateway_seat': [True]}], 'gateway_seat', {}),
    ('cloudflare_zt_users', 'users', [{'email': 'a@example.com'}, {'email': 'A@example.com'}], 'users[1]', {}),
    ('cloudflare_zt_users', 'users', [], 'allow_release_all', {'exclusive_seats': True}),
    # users_file and seats_file: the file is read and its items checked before any request, named by the option.
    ('cloudflare_zt_users', 'users_file', NO_FILE, 'users_file %s cannot be read (No such file or directory)' % NO_FILE, {}),
    ('cloudflare_zt_users', 'users_file', A_DIRECTORY, 'users_file %s is a directory, not a regular file' % A_DIRECTORY, {}),
    ('cloudflare_zt_users', 'users_file', NOT_A_LIST, 'users_file %s must hold a list of items (as users takes them), '
                                                      'got dict' % NOT_A_LIST, {}),
    ('cloudflare_zt_users', 'users_file', EMPTY_FILE, 'must hold a list of items (as users takes them), got nothing', {}),
    ('cloudflare_zt_users', 'users_file', NOT_YAML, 'users_file %s is neither JSON nor YAML: ' % NOT_YAML, {}),
    ('cloudflare_zt_users', 'users_file', NOT_UTF8, 'users_file %s is not UTF-8 text (byte 14)' % NOT_UTF8, {}),
    ('cloudflare_zt_users', 'users_file', BAD_EMAIL_FILE, "Invalid users_file, nothing was written and no request was sent: "
                                                          "users_file[0]: email 'nope' is not an e-mail address", {}),
    ('cloudflare_zt_users', 'users_file', EMPTY_LIST_FILE, 'users_file is empty and exclusive_seats is true',
     {'exclusive_seats': True}),
    ('cloudflare_zt_users', 'users_file', EMPTY_LIST_FILE, 'parameters are mutually exclusive: users|users_file', None),
    ('cloudflare_zt_seat', 'seats_file', BAD_SEATS_YAML, "Invalid seats_file, nothing was written and no request was sent: "
                                                         "seats_file[0] (email 'a@example.com'): access_seat must be a boolean", {}),
    ('cloudflare_zt_seat', 'seats_file', BAD_SEATS_YAML, 'seats_file[1]: give exactly one of', {}),
    ('cloudflare_zt_seat', 'seats_file', NOT_A_LIST, 'seats_file %s must hold a list of items (as seats takes them)' % NOT_A_LIST, {}),
    ('cloudflare_zt_seat', 'seats_file', EMPTY_LIST_FILE, 'seats_file is empty and exclusive_seats is true', {'exclusive_seats': True}),
    ('cloudflare_zt_seat', 'seats_file', EMPTY_LIST_FILE, 'parameters are mutually exclusive: seats_file|email', None),
    ('cloudflare_zt_users', 'exclusive_seats', 'always', 'exclusive_seats', None),
    ('cloudflare_zt_users', 'allow_release_all', True, 'allow_release_all', None),
    ('cloudflare_zt_users', 'allow_release_all', 'sure', 'allow_release_all', None),
    ('cloudflare_zt_users', 'write_rate', 0, 'write_rate', None),
    ('cloudflare_zt_users', 'write_rate', -1, 'write_rate', None),
    ('cloudflare_zt_users', 'write_rate', 'nan', 'write_rate', None),
    ('cloudflare_zt_users', 'write_rate', 'inf', 'write_rate', None),
    ('cloudflare_zt_users', 'write_rate', 'fast', 'write_rate', None),
    ('cloudflare_zt_users', 'seat_batch_size', 0, 'seat_batch_size', None),
    ('cloudflare_zt_users', 'seat_batch_size', 'lots', 'seat_batch_size', None),
    ('cloudflare_zt_users', 'result_detail', 'everything', 'result_detail', None),
    ('cloudflare_zt_seat', 'result_detail', 'compact', 'result_detail', None),
    ('cloudflare_zt_users', 'report_dir', '/dev/null', 'report_dir /dev/null is not a directory', None),
    # release_inactive (both modules) and the inactivity filter of cloudflare_zt_user_info
    ('cloudflare_zt_seat', 'release_inactive', {'days': 0}, 'release_inactive.days', {}),
    ('cloudflare_zt_seat', 'release_inactive', {'days': 3651}, 'release_inactive.days', {}),
    ('cloudflare_zt_seat', 'release_inactive', {}, 'release_inactive.days', {}),
    ('cloudflare_zt_seat', 'release_inactive', {'days': 'soon'}, 'release_inactive.days', {}),
    ('cloudflare_zt_seat', 'release_inactive', {'days': 30, 'seats': 'all'}, 'release_inactive.seats', {}),
    ('cloudflare_zt_seat', 'release_inactive', {'days': 30, 'never_logged_in': 'never'}, 'release_inactive.never_logged_in', {}),
    ('cloudflare_zt_seat', 'release_inactive', {'days': 30, 'exempt': ['nobody']}, 'release_inactive.exempt[0]', {}),
    ('cloudflare_zt_seat', 'release_inactive', {'days': 30, 'exempt': 'a@example.com'}, 'release_inactive.exempt', {}),
    ('cloudflare_zt_seat', 'release_inactive', {'days': 30, 'colour': 'red'}, 'colour', {}),
    ('cloudflare_zt_seat', 'release_inactive', {'days': 30}, 'mutually exclusive', None),
    ('cloudflare_zt_users', 'release_inactive', {'days': -1}, 'release_inactive.days', None),
    ('cloudflare_zt_users', 'release_inactive', 'thirty', 'release_inactive', None),
    # revoke_sessions and revoke_devices (both modules): the devices go with the sessions
    ('cloudflare_zt_seat', 'revoke_sessions', 'maybe', 'revoke_sessions', None),
    ('cloudflare_zt_seat', 'revoke_devices', True, 'revoke_devices needs revoke_sessions=true', None),
    ('cloudflare_zt_users', 'revoke_sessions', [True], 'revoke_sessions', None),
    ('cloudflare_zt_users', 'revoke_devices', True, 'revoke_devices needs revoke_sessions=true', None),
    ('cloudflare_zt_users', 'revoke_devices', 'often', 'revoke_devices',
     {'users': [{'email': 'jdoe@example.com', 'access_seat': False}], 'revoke_sessions': True}),
    # the removal guard (both modules): a count or a percentage, and a bool to lift it
    ('cloudflare_zt_seat', 'max_removals', 'many', 'max_removals must be a number of people', None),
    ('cloudflare_zt_seat', 'max_removals', -1, 'max_removals must be a number of people', None),
    ('cloudflare_zt_seat', 'max_removals', True, 'max_removals must be a number of people', None),
    ('cloudflare_zt_seat', 'allow_mass_removal', 'perhaps', 'allow_mass_removal', None),
    ('cloudflare_zt_users', 'max_removals', '150%', 'max_removals must be a number of people', None),
    ('cloudflare_zt_users', 'max_removals', [10], 'max_removals must be a number of people', None),
    ('cloudflare_zt_users', 'max_removals', 2.5, 'max_removals must be a number of people', None),
    ('cloudflare_zt_users', 'allow_mass_removal', [True], 'allow_mass_removal', None),
    ('cloudflare_zt_user_info', 'inactive_days', 0, 'inactive_days', None),
    ('cloudflare_zt_user_info', 'inactive_days', 99999, 'inactive_days', None),
    ('cloudflare_zt_user_info', 'inactive_days', 'long', 'inactive_days', None),
    ('cloudflare_zt_user_info', 'never_logged_in', 'ignore', 'never_logged_in', None),
]


@pytest.mark.parametrize('module_name, option, value, expect, base', TABLE,
                         ids=['%s-%s-%d' % (case[0][14:], case[1], n) for n, case in enumerate(TABLE)])
@pytest.mark.parametrize('check_mode', [False, True], ids=['run', 'check'])
def test_table_of_bad_input_is_refused_before_any_request(module_name, option, value, expect, base, check_mode):
    check_refused(module_name, option, value, expect, base, check_mode=check_mode)


def test_the_table_covers_every_option_of_every_module():
    covered = set((case[0], case[1]) for case in TABLE)
    for module_name, own in OWN_OPTIONS.items():
        for option in CONNECTION_OPTIONS + own:
            # Each connection option in at least one module; each module's own options in that module.
            if option in CONNECTION_OPTIONS:
                assert any(case[1] == option for case in TABLE), option
            else:
                assert (module_name, option) in covered, (module_name, option)


def test_the_option_lists_match_the_modules_argument_specs():
    # If a module gains an option, this test asks for bad-input cases for it.
    for module_name, own in OWN_OPTIONS.items():
        result, _calls = run_module(module_name, dict(VALID[module_name], no_such_option=1))
        listed = re.search(r'Supported parameters include: ([a-z_, ]+)', result['msg']).group(1)
        assert set(listed.replace(' ', '').split(',')) == set(CONNECTION_OPTIONS + own), module_name


# --- property-based: generated wrong values ---------------------------------------------------

# Texts that are not of the form an option needs. Each strategy generates only values that are wrong.
HEX = '0123456789abcdefABCDEF'
UUID_RE = re.compile(r'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z')
EMAIL_RE = re.compile(r'^[^@\s]+@[^@\s]+\.[^@\s]+\Z')
PRINTABLE = re.compile(r'^[!-~]+\Z')

# The texts of wrong types, as ansible-core hands them to a string option.
WRONG_TYPES = st.one_of(st.integers(), st.booleans(), st.floats(allow_nan=False),
                        st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))

not_account_id = st.one_of(
    st.text(min_size=1).filter(lambda s: not re.match(r'^[0-9a-fA-F]{32}\Z', s)),
    st.text(alphabet=HEX, min_size=1, max_size=64).filter(lambda s: len(s) != 32),
    st.text(alphabet=HEX, min_size=32, max_size=32).map(lambda s: s + '\n'),
    WRONG_TYPES.filter(lambda v: not re.match(r'^[0-9a-fA-F]{32}\Z', str(v))),  # 32 digits would be an identifier
)
not_uuid = st.one_of(
    st.text(min_size=1).filter(lambda s: not UUID_RE.match(s)),
    st.uuids().map(str).map(lambda s: s[:-1]),
    st.uuids().map(str).map(lambda s: s + '\n'),
    st.uuids().map(str).map(lambda s: s.replace('-', '')),
    WRONG_TYPES,
)
not_email = st.one_of(
    st.text(min_size=1).filter(lambda s: not EMAIL_RE.match(s)),
    st.emails().map(lambda s: s.replace('@', ' ')),
    st.emails().map(lambda s: s + '\n'),
    WRONG_TYPES,
)
not_header_value = st.one_of(
    # At least one character that is not printable ASCII, anywhere in the text.
    st.tuples(st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), max_size=20),
              st.characters().filter(lambda c: not PRINTABLE.match(c)),
              st.text(max_size=20)).map(''.join),
)
not_base_url = st.one_of(
    st.text(min_size=1).filter(lambda s: not re.match(r'^https?://', s, re.I)),
    st.text(min_size=1, alphabet=st.characters(min_codepoint=33, max_codepoint=126)).map(lambda s: 'ftp://' + s),
    not_header_value.map(lambda s: 'https://api.example.test/' + s),
    st.integers(min_value=65536).map(lambda p: 'https://api.example.test:%d/client/v4' % p),
    WRONG_TYPES,
)
# Neither a whole number of people from 0 nor a percentage up to 100 (_removals.parse_max_removals).
NOT_MAX_REMOVALS = st.one_of(
    st.integers(max_value=-1), st.floats(),
    st.booleans(), st.lists(st.integers(), max_size=2),
    st.text().filter(lambda s: not re.match(r'^\s*\d+\s*\Z', s) and not (
        re.match(r'^\s*(\d+(?:\.\d+)?)\s*%\s*\Z', s) and float(s.strip().rstrip('%').strip()) <= 100)))
not_bool = st.one_of(
    # ansible-core strips surrounding whitespace before it reads a boolean: ' yes' is a boolean too.
    st.text().filter(lambda s: s.strip().lower() not in ('y', 'yes', 'on', '1', 'true', 't', 'n', 'no', 'off', '0', 'false', 'f', '')),
    st.integers().filter(lambda n: n not in (0, 1)),
    st.floats().filter(lambda f: f not in (0.0, 1.0)),
    st.lists(st.booleans(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.booleans(), max_size=2),
)


def not_seconds(low_ok):
    """Wrong values of a float option: not numbers, not finite, or out of range (``low_ok``: 0 is a good value)."""
    too_low = st.floats(max_value=-1e-6) if low_ok else st.floats(max_value=0.0)
    out_of_range = too_low | st.floats(min_value=86400, exclude_min=True)
    return st.one_of(
        st.text().filter(lambda s: not _is_float(s)),
        st.just('nan'), st.just('inf'), st.just('-inf'),
        out_of_range.filter(lambda f: not math.isnan(f)),
        st.lists(st.floats(), max_size=2),
    )


def not_percentage(highest):
    """Wrong values of a percentage option from 0 to ``highest``."""
    out_of_range = st.floats(max_value=-1e-6) | st.floats(min_value=highest, exclude_min=True)
    return st.one_of(
        st.text().filter(lambda s: not _is_float(s)),
        st.just('nan'), st.just('inf'), st.just('-inf'),
        out_of_range.filter(lambda f: not math.isnan(f)),
        st.lists(st.floats(), max_size=2),
    )


def _is_float(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def not_choice(choices):
    return st.one_of(st.text().filter(lambda s: s not in choices), st.integers(), st.booleans())


blank = st.text(alphabet=' \t\n\r\x0b\x0c', max_size=5)


def seat_item_with(option, strategy):
    return strategy.map(lambda value: [{'email': 'a@example.com', 'access_seat': True, option: value}])


def user_item_with(option, strategy):
    return strategy.map(lambda value: [{'email': 'a@example.com', 'name': 'A', option: value}])


def _is_positive_int(text):
    """Whether ansible-core itself turns ``text`` into a positive int (2.21 reads '1E0' as 1, 2.16 does not), or fails
    on it before the module runs: 2.21's check_type_int raises OverflowError on 'INF' (ansible-core's own bug, which
    no module can catch), so such a text is left out of the cases."""
    try:
        return check_type_int(text) >= 1
    except (TypeError, ValueError):
        return False
    except OverflowError:
        return True


def _is_int_from_one_to(text, most):
    """Whether ansible-core turns ``text`` into an int from 1 to ``most``, or fails on it (see _is_positive_int):
    int() cannot stand in for it, as it refuses '1E0' and 'INFINITY'."""
    try:
        return 1 <= check_type_int(text) <= most
    except (TypeError, ValueError):
        return False
    except OverflowError:
        return True


not_policy = st.one_of(
    st.integers(max_value=0).map(lambda d: {'days': d}),
    st.integers(min_value=3651).map(lambda d: {'days': d}),
    not_choice(('any', 'access', 'gateway', 'both')).map(lambda v: {'days': 30, 'seats': v}),
    not_choice(('created_at', 'keep')).map(lambda v: {'days': 30, 'never_logged_in': v}),
    st.text(alphabet='abc xyz', min_size=1).map(lambda v: {'days': 30, 'exempt': [v]}),
)

# A relative directory (ansible-core expands ~ and $VARIABLES of a path first, and turns a list into its text).
not_absolute = st.one_of(
    st.text(min_size=1).filter(lambda s: s.strip() == s and s[0] not in '/~$' and '\x00' not in s),
    st.lists(st.text(max_size=3), min_size=1, max_size=2),
)

not_concurrency = st.one_of(
    st.integers(max_value=0), st.integers(min_value=17),
    st.text().filter(lambda s: not _is_int_from_one_to(s, 16)),
    st.floats(allow_infinity=False).filter(lambda f: not (math.isfinite(f) and f == int(f) and 1 <= f <= 16)),
    st.lists(st.integers(), max_size=2),
)
not_batch_size = st.one_of(
    st.integers(max_value=0),
    st.text().filter(lambda s: not _is_positive_int(s)),
    # Not infinity: ansible-core's own check_type_int raises OverflowError on it (2.21), before the module runs.
    st.floats(allow_infinity=False).filter(lambda f: not (math.isfinite(f) and f == int(f) and f >= 1)),
    st.lists(st.integers(), max_size=2),
)


# (module, option) -> (strategy of wrong values, the task it goes into, what the message must name)
CONNECTION_STRATEGIES = {
    'api_token': (not_header_value, None, 'api_token'),
    'api_key': (not_header_value, KEY_PAIR, 'api_key'),
    'api_email': (st.one_of(not_email, not_header_value.map(lambda s: s + '@example.com')), KEY_PAIR, 'api_email'),
    'account_id': (not_account_id, None, 'account_id'),
    'api_base_url': (not_base_url, None, 'api_base_url'),
    'validate_certs': (not_bool, None, 'validate_certs'),
    'timeout': (not_seconds(low_ok=False), None, 'timeout'),
    'max_retry_wait': (not_seconds(low_ok=True), None, 'max_retry_wait'),
    'rate_limit_reserve': (not_percentage(50), None, 'rate_limit_reserve'),
    'list_concurrency': (not_concurrency, None, 'list_concurrency'),
    'rate_limit_ledger': (not_absolute, None, 'rate_limit_ledger'),
}
OWN_STRATEGIES = {
    ('cloudflare_zt_user_info', 'user_id'): (not_uuid, None, 'user_id'),
    ('cloudflare_zt_user_info', 'email'): (not_email, None, 'email'),
    ('cloudflare_zt_user_info', 'name'): (blank, None, 'name'),
    ('cloudflare_zt_user_info', 'search'): (blank, None, 'search'),
    ('cloudflare_zt_user_info', 'seat'): (not_choice(('access', 'gateway', 'any', 'none')), None, 'seat'),
    ('cloudflare_zt_user', 'user_id'): (not_uuid, None, 'user_id'),
    ('cloudflare_zt_user', 'email'): (not_email, None, 'email'),
    ('cloudflare_zt_user', 'name'): (blank, None, 'name'),
    ('cloudflare_zt_user', 'state'): (not_choice(('present', 'absent')), None, 'state'),
    ('cloudflare_zt_seat', 'seat_uid'): (st.one_of(st.text(min_size=37), st.text().filter(lambda s: not s.strip() or ' ' in s)),
                                         {'access_seat': True}, 'seat_uid'),
    ('cloudflare_zt_seat', 'email'): (not_email, None, 'email'),
    ('cloudflare_zt_seat', 'user_id'): (not_uuid, {'access_seat': True}, 'user_id'),
    ('cloudflare_zt_seat', 'access_seat'): (not_bool, None, 'access_seat'),
    ('cloudflare_zt_seat', 'gateway_seat'): (not_bool, None, 'gateway_seat'),
    ('cloudflare_zt_seat', 'exclusive_seats'): (not_bool, None, 'exclusive_seats'),
    ('cloudflare_zt_seat', 'allow_release_all'): (not_bool, None, 'allow_release_all'),
    ('cloudflare_zt_seat', 'seats'): (st.one_of(
        st.lists(st.one_of(st.integers(), st.booleans(), st.lists(st.integers(), max_size=2)), min_size=1, max_size=3),
        seat_item_with('access_seat', not_bool),
        seat_item_with('gateway_seat', not_bool),
        not_email.map(lambda e: [{'email': e, 'access_seat': True}]),
        not_uuid.map(lambda u: [{'user_id': u, 'gateway_seat': False}]),
        st.text(min_size=37).map(lambda s: [{'seat_uid': s, 'access_seat': True}]),
    ), {}, ('seats', 'dictionary requested')),
    ('cloudflare_zt_seat', 'seat_batch_size'): (not_batch_size, None, 'seat_batch_size'),
    ('cloudflare_zt_users', 'users'): (st.one_of(
        st.lists(st.one_of(st.integers(), st.booleans(), st.lists(st.integers(), max_size=2)), min_size=1, max_size=3),
        user_item_with('access_seat', not_bool),
        user_item_with('gateway_seat', not_bool),
        user_item_with('state', not_choice(('present', 'absent'))),
        user_item_with('name', blank),
        not_email.map(lambda e: [{'email': e, 'name': 'A'}]),
        not_uuid.map(lambda u: [{'user_id': u, 'name': 'A'}]),
    ), {}, ('users', 'dictionary requested')),
    ('cloudflare_zt_users', 'users_file'): (
        st.sampled_from([NO_FILE, NOT_A_LIST, EMPTY_FILE, NOT_YAML, NOT_UTF8, A_DIRECTORY, BAD_EMAIL_FILE]), {}, 'users_file'),
    ('cloudflare_zt_seat', 'seats_file'): (
        st.sampled_from([NO_FILE, NOT_A_LIST, EMPTY_FILE, NOT_YAML, NOT_UTF8, A_DIRECTORY, BAD_SEATS_YAML]), {}, 'seats_file'),
    ('cloudflare_zt_users', 'exclusive_seats'): (not_bool, None, 'exclusive_seats'),
    ('cloudflare_zt_users', 'allow_release_all'): (not_bool, None, 'allow_release_all'),
    ('cloudflare_zt_users', 'write_rate'): (not_seconds(low_ok=False).filter(
        lambda v: not (isinstance(v, float) and v > 86400)), None, 'write_rate'),
    ('cloudflare_zt_users', 'seat_batch_size'): (not_batch_size, None, 'seat_batch_size'),
    ('cloudflare_zt_seat', 'release_inactive'): (not_policy, {}, 'release_inactive'),
    ('cloudflare_zt_users', 'release_inactive'): (not_policy, None, 'release_inactive'),
    ('cloudflare_zt_seat', 'result_detail'): (not_choice(('auto', 'full', 'summary')), None, 'result_detail'),
    ('cloudflare_zt_users', 'result_detail'): (not_choice(('auto', 'full', 'summary')), None, 'result_detail'),
    # A path that exists and is not a directory: the report could not be written there.
    ('cloudflare_zt_users', 'report_dir'): (st.sampled_from(['/dev/null', __file__]), None, 'report_dir'),
    ('cloudflare_zt_user_info', 'inactive_days'): (st.one_of(
        st.integers(max_value=0), st.integers(min_value=3651),
        st.text().filter(lambda s: not s.strip().lstrip('+-').isdigit() and not _is_float(s))), None, 'inactive_days'),
    ('cloudflare_zt_user_info', 'never_logged_in'): (not_choice(('created_at', 'keep')), None, 'never_logged_in'),
    ('cloudflare_zt_seat', 'revoke_sessions'): (not_bool, None, 'revoke_sessions'),
    ('cloudflare_zt_seat', 'revoke_devices'): (not_bool, None, 'revoke_devices'),
    ('cloudflare_zt_users', 'revoke_sessions'): (not_bool, None, 'revoke_sessions'),
    ('cloudflare_zt_users', 'revoke_devices'): (not_bool, None, 'revoke_devices'),
    ('cloudflare_zt_seat', 'allow_mass_removal'): (not_bool, None, 'allow_mass_removal'),
    ('cloudflare_zt_users', 'allow_mass_removal'): (not_bool, None, 'allow_mass_removal'),
    ('cloudflare_zt_seat', 'max_removals'): (NOT_MAX_REMOVALS, None, 'max_removals must be a number of people'),
    ('cloudflare_zt_users', 'max_removals'): (NOT_MAX_REMOVALS, None, 'max_removals must be a number of people'),
}

CASES = []
for _module_name in MODULES:
    for _option, (_strategy, _base, _expect) in CONNECTION_STRATEGIES.items():
        CASES.append((_module_name, _option, _strategy, _base, _expect))
for (_module_name, _option), (_strategy, _base, _expect) in OWN_STRATEGIES.items():
    CASES.append((_module_name, _option, _strategy, _base, _expect))


def _base_for(module_name, base):
    """The valid task with the connection changes of ``base`` (credentials) or its own replacement."""
    if base is None:
        return dict(VALID[module_name])
    if set(base) <= set(KEY_PAIR):
        merged = dict(VALID[module_name])
        merged.update(base)
        return merged
    return dict(base)


@settings(max_examples=examples(1500), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.data())
def test_property_any_wrong_value_of_any_option_is_refused_before_any_request(data):
    module_name, option, strategy, base, expect = data.draw(st.sampled_from(CASES), label='case')
    value = data.draw(strategy, label=option)
    check_mode = data.draw(st.booleans(), label='check_mode')
    check_refused(module_name, option, value, expect, _base_for(module_name, base), check_mode=check_mode)


def test_every_option_of_every_module_has_a_strategy():
    for module_name, own in OWN_OPTIONS.items():
        for option in own:
            assert (module_name, option) in OWN_STRATEGIES, (module_name, option)
    assert set(CONNECTION_STRATEGIES) == set(CONNECTION_OPTIONS)


def test_a_valid_task_does_reach_the_network():
    # The guard itself: a good task is refused by the fake session only, so the cases above prove something.
    for module_name in MODULES:
        result, calls = run_module(module_name, VALID[module_name])
        assert calls and calls[0][0] == 'GET', module_name
        assert result['failed'] is True and 'NetworkUsed' in result['msg']


# --- a list or a dict given to a string option (issue 18) ------------------------------------------------


@pytest.mark.parametrize('module_name, option, value', [
    ('cloudflare_zt_user_info', 'api_token', [TOKEN]),
    ('cloudflare_zt_user_info', 'api_token', {'token': TOKEN}),
    ('cloudflare_zt_user', 'name', ['Ada']),
    ('cloudflare_zt_user', 'email', ['jdoe@example.com']),
    ('cloudflare_zt_user_info', 'search', {'q': 'x'}),
    ('cloudflare_zt_seat', 'seat_uid', ['SEAT-1']),
    ('cloudflare_zt_users', 'account_id', [ACCOUNT]),
])
def test_a_list_or_a_dict_given_to_a_string_option_is_refused_without_showing_it(module_name, option, value):
    base = dict(VALID[module_name])
    if module_name == 'cloudflare_zt_seat' and option == 'seat_uid':
        base = {'seat_uid': 'x', 'access_seat': True}
    msg = check_refused(module_name, option, value, expect='%s must be a string, got a %s' % (
        option, 'dict' if isinstance(value, dict) else 'list'), base=base)
    assert 'Ada' not in msg and 'SEAT-1' not in msg


@pytest.mark.parametrize('rate', [1e-9, 1e-300, 0.001, 1001, 1e300])
def test_a_write_rate_out_of_its_range_is_refused_before_any_request(rate):
    msg = check_refused('cloudflare_zt_users', 'write_rate', rate, expect='write_rate must be a number of writes per second '
                        'from 0.01 to 1000, got %g' % rate)
    assert 'OverflowError' not in msg
