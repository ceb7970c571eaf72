# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Used by bench/bench.py only (not shipped): a module that takes a list of items and does nothing with them, so
# that row (s) can show what ansible-core itself costs to carry 10,000 items from a playbook into a module.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: bench_noop
short_description: Take a list of items and do nothing (bench/bench.py's floor)
description:
  - Returns the number of items it was given.
author: cloudflare_ops maintainers (@cloudflare-ops)
options:
  items:
    description: Any list of dictionaries.
    type: list
    elements: dict
    required: true
'''

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec={'items': {'type': 'list', 'elements': 'dict', 'required': True}},
                           supports_check_mode=True)
    module.exit_json(changed=False, count=len(module.params['items']))


if __name__ == '__main__':
    main()
