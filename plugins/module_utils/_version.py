# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# Kept equal to galaxy.yml's version (a unit test checks it); sent in the User-Agent.
COLLECTION_VERSION = '1.0.0'
