# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One source for the token permissions: the table in SECURITY.md.

The table lists each request the collection sends, the modules that send it (and the option that makes it, if
any) and what Cloudflare's API reference lists under "Accepted Permissions" for it. These tests check the table
against the OpenAPI slice the emulator serves, and check that each module's notes, the README's module table and
the AWX credential's help text (docs/awx/configure-awx.yml and the guide on the docs site) name exactly the
permissions the table gives their requests, and say so when Cloudflare lists none.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib
import json
import re
import textwrap
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
COLLECTION = 'cloudflare_ops.zero_trust'
MODULES = sorted(path.stem for path in (ROOT / 'plugins' / 'modules').glob('cloudflare_zt_*.py'))
ROLE = 'reconcile'
# A Cloudflare permission group as the dashboard and the API reference name it ("Access: Audit Logs Read",
# "Access: Organizations, Identity Providers, and Groups Write").
PERMISSION = re.compile(r'(?:Access|Zero Trust): [A-Z][A-Za-z]*(?:,? (?:and )?[A-Z][A-Za-z]*)*? (?:Read|Write|Revoke|Edit)\b')
# How a text says that Cloudflare lists no permission for a request it needs (creating, deleting users).
NONE_LISTED = re.compile(r'none listed|lists no permission')
HEADER = '| request | sent by | for | accepted permissions |'


class Request:
    def __init__(self, method, path, senders, option, permissions):
        self.method = method
        self.path = path
        self.senders = senders
        self.option = option          # the option without which the request is never sent, or None
        self.permissions = permissions

    def __repr__(self):
        return '%s %s' % (self.method, self.path)


def words(text):
    """The text on one line: wrapped lines of YAML, Markdown and reStructuredText read as one."""
    return ' '.join(text.split())


def security_table():
    lines = (ROOT / 'SECURITY.md').read_text(encoding='utf-8').splitlines()
    start = lines.index(HEADER) + 2
    requests = []
    for line in lines[start:]:
        if not line.startswith('|'):
            break
        request, sent_by, _for, accepted = [cell.strip() for cell in line.strip('|').split(' | ')]
        method, path = request.strip('`').split(' ', 1)
        option = re.search(r'only with `(\w+)`', sent_by)
        permissions = sorted(set(PERMISSION.findall(accepted)))
        assert permissions or accepted == 'none listed', line
        requests.append(Request(method, path, re.findall(r'`(cloudflare_zt_\w+)`', sent_by),
                                option.group(1) if option else None, permissions))
    return requests


TABLE = security_table()


def module_documentation(name):
    """The module's DOCUMENTATION with the options of its doc fragments merged in (as ansible-doc shows it)."""
    module = importlib.import_module('ansible_collections.cloudflare_ops.zero_trust.plugins.modules.' + name)
    doc = yaml.safe_load(module.DOCUMENTATION)
    options = dict(doc.get('options') or {})
    for fragment in doc.get('extends_documentation_fragment') or []:
        if not fragment.startswith(COLLECTION + '.'):
            continue
        fragment_name, _dot, variable = fragment[len(COLLECTION) + 1:].partition('.')
        holder = importlib.import_module('ansible_collections.cloudflare_ops.zero_trust.plugins.doc_fragments.'
                                         + fragment_name).ModuleDocFragment
        options.update(yaml.safe_load(getattr(holder, (variable or 'documentation').upper())).get('options') or {})
    doc['options'] = options
    return doc


def role_options():
    specs = yaml.safe_load((ROOT / 'roles' / ROLE / 'meta' / 'argument_specs.yml').read_text(encoding='utf-8'))
    return set(specs['argument_specs']['main']['options'])


def role_modules():
    tasks = (ROOT / 'roles' / ROLE / 'tasks' / 'main.yml').read_text(encoding='utf-8')
    return sorted(set(re.findall(r'cloudflare_ops\.zero_trust\.(cloudflare_zt_\w+):', tasks)))


def needs(modules, has_option):
    """(permissions, whether a request with none listed is sent) for the requests these modules send."""
    permissions, unlisted = set(), False
    for request in TABLE:
        if set(modules) & set(request.senders) and (request.option is None or has_option(request.option)):
            permissions.update(request.permissions)
            unlisted = unlisted or not request.permissions
    return sorted(permissions), unlisted


def module_needs(name):
    options = module_documentation(name)['options']
    return needs([name], lambda option: option in options)


def role_needs():
    options = role_options()
    return needs(role_modules(), lambda option: 'reconcile_' + option in options)


def assert_names(where, text, expected):
    permissions, unlisted = expected
    text = words(text)
    assert sorted(set(PERMISSION.findall(text))) == permissions, '%s: %r' % (where, text)
    assert bool(NONE_LISTED.search(text)) == unlisted, (
        '%s must %ssay that Cloudflare lists no permission for some of its requests: %r'
        % (where, '' if unlisted else 'not ', text))


def test_the_table_covers_every_module_and_names_each_request_once():
    assert len(TABLE) >= 7
    assert len(set((r.method, r.path) for r in TABLE)) == len(TABLE)
    assert set(m for r in TABLE for m in r.senders) == set(MODULES)


def test_the_table_agrees_with_the_openapi_slice():
    spec = json.loads((ROOT / 'tests' / 'emulator' / 'openapi-access-users-seats.json').read_text(encoding='utf-8'))
    compared = 0
    for request in TABLE:
        operation = spec['paths'].get(request.path, {}).get(request.method.lower())
        if operation is None:
            continue  # not in the slice (revoke_user comes from the API reference pages)
        assert sorted(operation.get('x-api-token-group') or []) == request.permissions, request
        compared += 1
    assert compared >= 6


@pytest.mark.parametrize('name', MODULES)
def test_module_notes_name_the_permissions_of_the_table(name):
    notes = [note for note in module_documentation(name).get('notes') or [] if PERMISSION.search(words(note))]
    assert len(notes) == 1, '%s: one note names the token permissions, not %d' % (name, len(notes))
    assert 'SECURITY.md' in notes[0]
    assert_names(name + ' notes', notes[0], module_needs(name))


@pytest.mark.parametrize('name', MODULES)
def test_readme_module_table_names_the_permissions_of_the_table(name):
    rows = [line for line in (ROOT / 'README.md').read_text(encoding='utf-8').splitlines()
            if line.startswith('| `%s.%s` |' % (COLLECTION, name))]
    assert len(rows) == 1, name
    assert_names('README row of ' + name, rows[0].strip('|').split(' | ')[-1], module_needs(name))


class _AwxLoader(yaml.SafeLoader):
    """Reads AWX-as-code playbooks: their !unsafe values are text."""


_AwxLoader.add_constructor('!unsafe', lambda loader, node: loader.construct_scalar(node))


def api_token_help(fields):
    helps = [field['help_text'] for field in fields if field.get('id') == 'api_token']
    assert len(helps) == 1
    return helps[0]


def rst_code_blocks(text):
    """The bodies of the code blocks of a reStructuredText page, dedented."""
    blocks = re.findall(r'^\.\. code-block:: \S+\n\n((?:(?: {4}.*)?\n)+)', text, re.MULTILINE)
    return [textwrap.dedent(block) for block in blocks]


def test_awx_credential_help_names_the_permissions_of_the_role():
    expected = role_needs()
    assert expected[0], 'the role sends requests'
    playbook = yaml.load((ROOT / 'docs' / 'awx' / 'configure-awx.yml').read_text(encoding='utf-8'), Loader=_AwxLoader)
    types = [task['awx.awx.credential_type'] for play in playbook for task in play.get('tasks', [])
             if 'awx.awx.credential_type' in task]
    assert len(types) == 1
    assert_names('docs/awx/configure-awx.yml', api_token_help(types[0]['inputs']['fields']), expected)

    guide = (ROOT / 'docs' / 'docsite' / 'rst' / 'awx.rst').read_text(encoding='utf-8')
    inputs = [yaml.safe_load(block) for block in rst_code_blocks(guide) if block.startswith('fields:')]
    assert len(inputs) == 1, 'the guide shows the input configuration once'
    assert_names('docs/docsite/rst/awx.rst', api_token_help(inputs[0]['fields']), expected)


def documentation_files():
    for pattern in ('*.md', 'docs/**/*.md', 'docs/**/*.rst', 'docs/**/*.yml', 'roles/**/*.md', 'roles/**/*.yml',
                    'plugins/**/*.py', 'meta/*.yml'):
        for path in sorted(ROOT.glob(pattern)):
            if 'build' not in path.relative_to(ROOT).parts:
                yield path


def test_no_document_names_a_permission_the_table_does_not_list():
    known = set(p for r in TABLE for p in r.permissions)
    unknown = {}
    for path in documentation_files():
        found = set(PERMISSION.findall(words(path.read_text(encoding='utf-8')))) - known
        if found:
            unknown[str(path.relative_to(ROOT))] = sorted(found)
    assert unknown == {}


def test_the_403_message_names_the_permissions_of_the_table():
    """_operations.PERMISSIONS (what a 403 names) says what the table says, for every operation the client sends."""
    from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api import operations as _operations
    segments = {'{account_id}': '0' * 32, '{user_id}': '6a8d6ba4-7b66-4b29-8a4a-0e6a2a1d1c11'}
    named = {}
    for request in TABLE:
        path = '/'.join(segments.get(part, part) for part in request.path.split('/'))
        name = _operations.documented_operation(request.method, path)
        assert name is not None, request
        named[name] = request.permissions
    assert named == dict((name, sorted(accepted)) for name, accepted in _operations.PERMISSIONS.items())
    assert set(named) == set(_operations.OPERATIONS)
