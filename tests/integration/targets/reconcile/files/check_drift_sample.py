# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Compare a drift.md the demo wrote with the samples of the docs: README.md and the drift-report guide.

    check_drift_sample.py DRIFT_MD COLLECTION_ROOT

The time of the run ("Generated at ..."), the times of the demo's logins (demo/users.json gives them relative to
the run) and the days since a login ("(690 days ago)") change from run to run and are left out of the comparison;
every other character counts. On a difference it prints a unified diff per
sample and exits 1: replace the sample with the drift.md of `make demo` (build/demo-report/drift.md).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import re
import sys
import textwrap

TITLE = '# Cloudflare Zero Trust drift'


def normalised(text):
    text = re.sub(r'(?m)^Generated at \S+\.$', 'Generated at (the time of the run).', text)
    text = re.sub(r'\(\d+ days ago\)', '(N days ago)', text)
    text = re.sub(r'\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\b', '(a time)', text)
    return text.strip('\n') + '\n'


def readme_sample(text):
    found = re.findall(r'```markdown\n(%s\n.*?)```\n' % re.escape(TITLE), text, re.S)
    return found


def guide_sample(text):
    blocks = re.findall(r'^( *)\.\. code-block:: markdown\n\n((?:(?:\1 {4}.*)?\n)+)', text, re.M)
    return [textwrap.dedent(body) for _indent, body in blocks if textwrap.dedent(body).startswith(TITLE)]


def main(drift_md, root):
    with open(drift_md, encoding='utf-8') as handle:
        written = normalised(handle.read())
    failures = 0
    for relative, extract in (('README.md', readme_sample), ('docs/docsite/rst/drift_report.rst', guide_sample)):
        with open('%s/%s' % (root, relative), encoding='utf-8') as handle:
            samples = extract(handle.read())
        if len(samples) != 1:
            print('%s: %d drift.md samples, expected one' % (relative, len(samples)))
            failures += 1
            continue
        sample = normalised(samples[0])
        if sample != written:
            failures += 1
            print('%s: the drift.md sample is not what the demo writes:' % relative)
            sys.stdout.writelines(difflib.unified_diff(
                sample.splitlines(True), written.splitlines(True), relative + ' (sample)', 'drift.md of the demo'))
    if not failures:
        print('the drift.md samples of README.md and the drift-report guide are what the demo writes')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:]))
