# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Credentials never show: run playbook.yml at -vvvv with --diff, then look for them everywhere.

playbook.yml runs every module, succeeding and failing (connection refused, a TLS error, HTTP 403
from a refused token, HTTP 403 whose error messages quote the credential), with the credentials
given as options and through the controller's environment. This script then searches the whole
output of ansible-playbook and the registered results (written to a file by the playbook) for the
API token, the Global API key and the refused token, and for every 12-character piece of them.

malformed.yml, run apart, gives cloudflare_zt_seat seats values that are not a list of dicts. On
ansible-core 2.16 to 2.20 ansible-core itself would return the credentials of the options in
invocation.module_args there if the option had suboption specs (SECURITY.md); it has none, and a
leak there fails like any other.

Run it under .ci/with-emulator (``make secrets``):

    python tests/secrets/check_secrets.py COLLECTIONS_PATH

COLLECTIONS_PATH is a directory holding ansible_collections/cloudflare_ops/zero_trust. With
SECRETS_KEEP_OUTPUT=FILE, the output of ansible-playbook is also written to FILE.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
# A credential cut short, or split by a line break, still must not show: look for its pieces too.
PIECE = 12
BLOCKS = ('key_in_options', 'token_from_environment', 'token_in_options', 'key_from_environment')
RESULTS = ('info', 'create', 'rename', 'seat', 'delete', 'refused', 'tls', 'forbidden')


def pieces(secret, size=PIECE):
    """The secret and each of its substrings of ``size`` characters."""
    if len(secret) <= size:
        return [secret]
    return [secret] + [secret[i:i + size] for i in range(len(secret) - size + 1)]


def find_leaks(text, credentials):
    """[(credential name, piece, context), ...] for every piece of a credential found in ``text``."""
    leaks = []
    for name, secret in credentials.items():
        for piece in pieces(secret):
            at = text.find(piece)
            if at >= 0:
                context = text[max(0, at - 60):at + len(piece) + 20].replace('\n', ' ')
                leaks.append((name, piece, context))
                break
    return leaks


def environment(collections_path, workdir, credentials, email):
    env = dict((k, v) for k, v in os.environ.items()
               if not k.startswith(('CLOUDFLARE_', 'ANSIBLE_')) or k == 'ANSIBLE_PYTHON_INTERPRETER')
    env.update(
        ANSIBLE_COLLECTIONS_PATH=collections_path,
        ANSIBLE_NOCOLOR='1',
        ANSIBLE_LOCAL_TEMP=os.path.join(workdir, 'local-tmp'),
        ANSIBLE_REMOTE_TEMP=os.path.join(workdir, 'remote-tmp'),
        ANSIBLE_RETRY_FILES_ENABLED='0',
        # The controller's environment: modules on localhost inherit it, Ansible never prints it.
        CLOUDFLARE_API_TOKEN=credentials['API token'],
        CLOUDFLARE_EMAIL=email,
        CLOUDFLARE_API_KEY=credentials['Global API key'],
    )
    return env


def core_version():
    from ansible.release import __version__
    return __version__


def run_playbook(name, workdir, vars_file, env):
    playbook = shutil.which('ansible-playbook') or os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
    command = [playbook, '-i', 'localhost,', '-c', 'local', '-vvvv', '--diff',
               '-e', '@' + vars_file, '-e', 'ansible_python_interpreter=' + sys.executable,
               os.path.join(HERE, name)]
    process = subprocess.run(command, cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    return process.returncode, process.stdout.decode('utf-8', 'replace')


def read(path):
    if not os.path.exists(path):
        return ''
    with open(path) as handle:
        return handle.read()


def check(condition, message, problems):
    if not condition:
        problems.append(message)


def main(argv):
    if len(argv) != 2 or 'EMULATOR_URL' not in os.environ:
        sys.stderr.write('usage: .ci/with-emulator -- python %s COLLECTIONS_PATH\n' % argv[0])
        return 2
    collections_path = os.path.abspath(argv[1])
    credentials = {
        'API token': os.environ['EMULATOR_API_TOKEN'],
        'Global API key': os.environ['EMULATOR_API_KEY'],
        'refused token': secrets.token_hex(20),
    }
    email = os.environ['EMULATOR_API_EMAIL']
    workdir = tempfile.mkdtemp(prefix='cloudflare-secrets-')
    try:
        results_file = os.path.join(workdir, 'results.json')
        malformed_results_file = os.path.join(workdir, 'malformed-results.json')
        vars_file = os.path.join(workdir, 'vars.json')
        malformed_vars_file = os.path.join(workdir, 'malformed-vars.json')
        playbook_vars = {
            'secrets_emulator_url': os.environ['EMULATOR_URL'],
            'secrets_base_url': os.environ['CLOUDFLARE_BASE_URL'],
            'secrets_account_id': os.environ['CLOUDFLARE_ACCOUNT_ID'],
            'secrets_email': email,
            'secrets_token': credentials['API token'],
            'secrets_key': credentials['Global API key'],
            'secrets_wrong_token': credentials['refused token'],
            'secrets_results_file': results_file,
        }
        with open(vars_file, 'w') as handle:
            json.dump(playbook_vars, handle)
        with open(malformed_vars_file, 'w') as handle:
            json.dump(dict(playbook_vars, secrets_results_file=malformed_results_file), handle)
        env = environment(collections_path, workdir, credentials, email)
        returncode, output = run_playbook('playbook.yml', workdir, vars_file, env)
        malformed_returncode, malformed_output = run_playbook('malformed.yml', workdir, malformed_vars_file, env)
        if os.environ.get('SECRETS_KEEP_OUTPUT'):
            with open(os.environ['SECRETS_KEEP_OUTPUT'], 'w') as handle:
                handle.write(output + malformed_output)

        problems = []
        check(returncode == 0, 'ansible-playbook failed with status %d' % returncode, problems)
        check(malformed_returncode == 0, 'ansible-playbook of malformed.yml failed with status %d' % malformed_returncode, problems)
        results_text = read(results_file)
        malformed_results_text = read(malformed_results_file)
        check(malformed_results_text, 'malformed.yml wrote no results file', problems)
        check(malformed_output.count('failed: [localhost] (item=') >= 6, 'the malformed seats cases did not run', problems)
        check(results_text, 'the playbook wrote no results file', problems)
        if results_text:
            results = json.loads(results_text)
            for block in BLOCKS:
                check(sorted(results.get(block, {})) == sorted(RESULTS), 'results of %s are incomplete' % block, problems)
            check('********' in results_text, 'no redacted credential in the results: the 403 cases did not run', problems)
        # The run must really be verbose and show diffs, or the search below proves little.
        check('ESTABLISH LOCAL CONNECTION' in output and '<localhost> EXEC' in output, 'the output is not at -vvvv', problems)
        check('--- before' in output and '+++ after' in output, 'the output shows no diff', problems)
        check(output.count('Cannot connect to http://127.0.0.1:1/client/v4') >= 4, 'the connection refused cases did not run', problems)
        check(output.count('TLS connection to https://') >= 4, 'the TLS cases did not run', problems)

        for where, text in (('the output of ansible-playbook', output), ('the registered results', results_text)):
            for name, piece, context in find_leaks(text, credentials):
                problems.append('the %s (%r) shows in %s: ...%s...' % (name, piece, where, context))

        version = core_version()
        # ansible-core 2.16 to 2.20 drop every no_log value when an option with suboption specs gets a value that is not
        # a dict (SECURITY.md); the modules' list options carry no suboption specs, so nothing may leak on any version.
        for name, piece, context in find_leaks(malformed_output + malformed_results_text, credentials):
            problems.append('the %s (%r) shows after malformed seats on ansible-core %s: ...%s...' % (
                name, piece, version, context))

        if problems:
            sys.stdout.write(output[-6000:] + '\n')
            for problem in problems:
                sys.stdout.write('FAILED: %s\n' % problem)
            return 1
        sys.stdout.write('secrets (ansible-core %s): %d bytes of -vvvv --diff output and %d bytes of results, no credential '
                         'in them, malformed seats included\n' % (version, len(output), len(results_text)))
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main(sys.argv))
