# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# The mutation score of `make mutation`, per file, from mutmut's .meta files: killed / total, where a mutant
# counts as killed when a test failed, or it timed out (an endless loop the suite stopped). Usage:
# score.py MUTANTS_DIR SURVIVORS_FILE; the survivors (and mutants no test reached) go to SURVIVORS_FILE.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import sys

from mutmut.stats import status_by_exit_code

KILLED = ('killed', 'timeout')


def main(mutants, out):
    rows, survivors = [], []
    for base, _dirs, files in sorted(os.walk(mutants)):
        for name in sorted(files):
            if not name.endswith('.py.meta'):
                continue
            with open(os.path.join(base, name)) as handle:
                codes = json.load(handle)['exit_code_by_key']
            path = os.path.relpath(os.path.join(base, name[:-5]), mutants).split('plugins/module_utils/')[-1]
            status = dict((key, status_by_exit_code[code]) for key, code in codes.items())
            killed = sum(1 for s in status.values() if s in KILLED)
            rows.append((path, killed, len(status)))
            survivors.extend('%s\t%s' % (key, s) for key, s in sorted(status.items()) if s not in KILLED)
    width = max(len(r[0]) for r in rows)
    for path, killed, total in rows:
        print('%s %5d / %5d  %5.1f%%' % (path.ljust(width), killed, total, 100.0 * killed / max(total, 1)))
    killed, total = sum(r[1] for r in rows), sum(r[2] for r in rows)
    print('%s %5d / %5d  %5.1f%%' % ('total'.ljust(width), killed, total, 100.0 * killed / max(total, 1)))
    with open(out, 'w') as handle:
        handle.write(''.join(line + '\n' for line in survivors))
    print('mutation: %d survivors listed in %s' % (len(survivors), out))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
