# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# How many examples a hypothesis property test draws. `make mutation` runs the suite once per mutant
# and sets ZT_MAX_EXAMPLES to a small number; every other run draws the number the test asks for.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os


def examples(wanted):
    """max_examples for a property test: `wanted`, or at most $ZT_MAX_EXAMPLES when that is set."""
    cap = os.environ.get('ZT_MAX_EXAMPLES', '')
    return min(wanted, int(cap)) if cap.isdigit() and int(cap) > 0 else wanted
