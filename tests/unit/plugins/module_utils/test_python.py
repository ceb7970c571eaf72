# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# An old Python on the managed host gets a clear failure, not a raw "MODULE FAILURE ... No module named parse".

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import io
import json

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._python import fail_on_old_python


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
