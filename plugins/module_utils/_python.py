# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# The one module_utils file that must still import on an old Python (2.7 under ansible-core 2.16): it tells
# the user which Python the collection needs, instead of a raw "MODULE FAILURE ... No module named parse".

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import sys

MINIMUM = (3, 9)


def old_python_message(version=None, executable=None):
    version = tuple(version or sys.version_info[:3])
    return ('The cloudflare_ops.zero_trust modules need Python %s or newer on the host that runs them; this one runs '
            'Python %s (%s). Set ansible_python_interpreter to a Python %s or newer (with requests installed).' % (
                '.'.join(str(n) for n in MINIMUM), '.'.join(str(n) for n in version),
                executable or sys.executable or 'unknown', '.'.join(str(n) for n in MINIMUM)))


def fail_on_old_python(version=None, out=None):
    """Exit the module as fail_json would, with old_python_message, when the running Python is older than MINIMUM.

    Returns False (and does nothing) on a Python that is new enough: the import failure was something else.
    """
    version = tuple(version or sys.version_info[:3])
    if version >= MINIMUM:
        return False
    (out or sys.stdout).write(json.dumps({'failed': True, 'msg': old_python_message(version)}) + '\n')
    # No AnsibleModule can be built here (its argument spec comes from the module_utils that failed to import).
    sys.exit(1)  # pylint: disable=ansible-bad-function
