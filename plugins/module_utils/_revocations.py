# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# The revocations of a plan (revoke_sessions): which users' Access sessions a task ends, one for each user
# it releases or deletes. The plan (_plan.py) places them in its send order.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._account import describe


class Revocation(object):
    """The revocation of a user's Access sessions (and with ``devices`` of their devices), caused by ``cause``: the
    SeatChange that releases the user's seat, or the UserWrite that deletes the user."""

    __slots__ = ('record', 'devices', 'cause')

    def __init__(self, record, devices, cause):
        self.record = record
        self.devices = devices
        self.cause = cause

    @property
    def email(self):
        return self.record.get('email')


def revocations(causes, devices, problems):
    """A Revocation for each release or delete in ``causes``; a user without an email cannot be revoked (the API
    names the user by email), which is a problem of the plan."""
    found = []
    for cause in causes:
        if not cause.record.get('email'):
            problems.append('%s has no email, which revoke_sessions must send, so its sessions cannot be revoked' % (
                describe(cause.record)))
            continue
        found.append(Revocation(cause.record, devices, cause))
    return found
