# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# An old Python on the managed host gets a clear failure, not a raw "MODULE FAILURE ... No module named parse".

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import io
import json
import sys

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._python import fail_on_old_python, old_python_message


def test_python_2_7_fails_as_a_module_would_naming_the_version_needed():
    out = io.StringIO()
    with pytest.raises(SystemExit) as info:
        fail_on_old_python((2, 7, 18), out=out)
    assert info.value.code == 1
    result = json.loads(out.getvalue())
    assert result['failed'] is True
    assert 'need Python 3.9 or newer' in result['msg'] and 'Python 2.7.18' in result['msg']
    assert 'ansible_python_interpreter' in result['msg']


def test_a_new_enough_python_passes_the_import_failure_on():
    assert fail_on_old_python((3, 9, 0)) is False
    assert fail_on_old_python() is False


MESSAGE = ('The cloudflare_ops.zero_trust modules need Python 3.9 or newer on the host that runs them; this one runs '
           'Python %s (%s). Set ansible_python_interpreter to a Python 3.9 or newer (with requests installed).')


def test_the_message_word_for_word_names_the_interpreter_given():
    assert old_python_message((3, 8, 10), '/usr/bin/python3.8') == MESSAGE % ('3.8.10', '/usr/bin/python3.8')


def test_the_message_names_the_running_interpreter_and_its_version_by_default(monkeypatch):
    monkeypatch.setattr(sys, 'version_info', (3, 8, 10, 'final', 0))
    monkeypatch.setattr(sys, 'executable', '/opt/python/bin/python3')
    assert old_python_message() == MESSAGE % ('3.8.10', '/opt/python/bin/python3')
    monkeypatch.setattr(sys, 'executable', '')
    assert old_python_message() == MESSAGE % ('3.8.10', 'unknown')


def test_the_running_python_is_read_as_major_minor_micro(monkeypatch):
    monkeypatch.setattr(sys, 'version_info', (3, 8, 10, 'final', 0))
    monkeypatch.setattr(sys, 'executable', '/opt/python/bin/python3')
    out = io.StringIO()
    with pytest.raises(SystemExit):
        fail_on_old_python(out=out)
    assert json.loads(out.getvalue()) == {'failed': True, 'msg': MESSAGE % ('3.8.10', '/opt/python/bin/python3')}


def test_exactly_the_minimum_passes():
    assert fail_on_old_python((3, 9)) is False
