# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# The failures of the collection's own decisions (the API's failures are in _client.py). Each one is
# raised in one situation, so that its message can say how much was done:
#   OptionsError      the task's options cannot work; raised before any request is sent;
#   PlanError         the account, as read, does not allow the plan; nothing was written;
#   PartialWriteError a write failed after the plan was accepted; says what was written and what not.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

NOTHING_WRITTEN = 'nothing was written'


class OptionsError(Exception):
    """Options that cannot work; raised before any request is sent."""


class PlanError(Exception):
    """The account does not allow the plan. ``errors`` names every offending item; nothing was written."""

    def __init__(self, what, errors):
        self.errors = list(errors)
        super(PlanError, self).__init__('%s, %s: %s' % (what, NOTHING_WRITTEN, '; '.join(self.errors)))


class PartialWriteError(Exception):
    """A write failed (or its answer contradicted the request) after others may have succeeded.

    ``written`` and ``not_written`` are lists of ``{email, action}`` (or seats); ``cause`` is the
    CloudflareError behind it, if any. Running the task again converges: it reads the account afresh.
    """

    def __init__(self, message, written, not_written, cause=None, extra=None):
        super(PartialWriteError, self).__init__(message)
        self.message = message
        self.written = written
        self.not_written = not_written
        self.cause = cause
        self.extra = extra or {}
