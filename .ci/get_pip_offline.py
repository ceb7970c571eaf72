# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Offline stand-in for ansible-test's get-pip.py (cloudflare_ops.zero_trust).

ansible-test bootstraps pip in its virtual environments with a get-pip.py script that it
downloads from a host these machines cannot reach, and caches it at
~/.ansible/test/cache/get_pip_<version>.py. This stand-in does the same job with the pip wheel
that ships with the interpreter (ensurepip): it runs that pip to install what ansible-test asks
for (e.g. pip==25.2) from the configured package index.
"""

import glob
import os
import sys

import ensurepip

# get-pip.py's own flags; pip itself does not know them.
GET_PIP_ONLY = ('--no-setuptools', '--no-wheel')


def main():
    bundled = os.path.join(os.path.dirname(ensurepip.__file__), '_bundled')
    wheels = sorted(glob.glob(os.path.join(bundled, 'pip-*.whl')))
    if not wheels:
        sys.exit('get-pip stand-in: no pip wheel bundled with %s (looked in %s)' % (sys.executable, bundled))
    sys.path.insert(0, wheels[-1])
    from pip._internal.cli.main import main as pip_main  # pylint: disable=import-outside-toplevel
    sys.exit(pip_main(['install'] + [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY]))


if __name__ == '__main__':
    main()
