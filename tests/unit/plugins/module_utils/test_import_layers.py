# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The layers of plugins/module_utils and the direction of their imports, read from the source (ast): a file imports
only files of its own layer or of a lower one; the input side (options, items, list files) never imports the output
side (the change records and their projections); cloudflare_zt_user_info's runner does not import the planner.
CONTRIBUTING.md's layer map says the same in words."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import os

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins import module_utils

PACKAGE = 'ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils'
ROOT = os.path.dirname(os.path.abspath(module_utils.__file__))

# The layers, lowest first: each file of plugins/module_utils (without .py, runners as _runners/name) in one of them.
LAYERS = (
    # What every layer uses: text helpers, the errors, the identifier rules.
    ('common', ('_python', '_version', '_redact', '_markdown', '_errors', '_identifiers')),
    # The wire: one client and what it is made of, the documented operations and the endpoints. (_ledger: the
    # per-host rate-limit ledger of another branch, listed so that its merge needs no change here.)
    ('wire', ('_bodies', '_budget', '_ledger', '_transport', '_listing', '_operations', '_client', '_endpoints')),
    # The domain: the wanted items, the account index, inactivity, the removal guard, the change records, the planner.
    ('domain', ('_account', '_items', '_inactivity', '_removals', '_changes', '_plan')),
    # The results: the projections of the change records (users[], drift[], written, diffs, the drift report).
    ('results', ('_report',)),
    # The module glue: options, list files, the one fail_json, the runners and the write executor.
    ('glue', ('_options', '_list_files', '_module', '_runners/__init__', '_runners/seat', '_runners/user',
              '_runners/user_info', '_runners/users', '_runners/writes')),
)
LAYER_OF = dict((name, rank) for rank, (_layer, names) in enumerate(LAYERS) for name in names)
LAYER_NAMES = [layer for layer, _names in LAYERS]

INPUT_SIDE = ('_options', '_items', '_list_files')
OUTPUT_SIDE = ('_changes', '_report')


def module_files():
    found = []
    for directory, _dirs, files in os.walk(ROOT):
        for name in files:
            if name.endswith('.py'):
                path = os.path.join(directory, name)
                found.append((os.path.relpath(path, ROOT)[:-3].replace(os.sep, '/'), path))
    return sorted(found)


def imports_of(path):
    """The files of plugins/module_utils that ``path`` imports, by their names in LAYERS."""
    with open(path, encoding='utf-8') as source:
        tree = ast.parse(source.read(), path)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(PACKAGE):
            rest = node.module[len(PACKAGE):].lstrip('.')
            if rest:
                found.add(rest.replace('.', '/'))
            else:
                found.update(alias.name for alias in node.names)
            if rest == '_runners':
                found.discard('_runners')
                found.update('_runners/' + alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name[len(PACKAGE) + 1:].replace('.', '/') for alias in node.names
                         if alias.name.startswith(PACKAGE + '.'))
    return found


GRAPH = dict((name, imports_of(path)) for name, path in module_files())


def closure(name):
    seen, todo = set(), [name]
    while todo:
        for imported in GRAPH.get(todo.pop(), ()):
            if imported not in seen:
                seen.add(imported)
                todo.append(imported)
    return seen


def test_every_file_has_a_layer():
    assert sorted(name for name in GRAPH if name not in LAYER_OF) == []


@pytest.mark.parametrize('name', sorted(GRAPH))
def test_a_file_imports_only_its_own_layer_or_lower_ones(name):
    higher = sorted('%s (%s)' % (imported, LAYER_NAMES[LAYER_OF[imported]]) for imported in GRAPH[name]
                    if LAYER_OF.get(imported, -1) > LAYER_OF[name])
    assert higher == [], '%s (%s) imports a higher layer' % (name, LAYER_NAMES[LAYER_OF[name]])


@pytest.mark.parametrize('name', INPUT_SIDE)
def test_the_input_side_never_imports_the_output_side(name):
    assert sorted(closure(name) & set(OUTPUT_SIDE)) == []


def test_cloudflare_zt_user_info_does_not_import_the_planner():
    assert '_plan' not in closure('_runners/user_info')
    assert '_plan' not in closure('_module')


def test_the_graph_is_read_from_the_source():
    # A check of the check: the planner's imports are found, and the runners reach it.
    assert {'_account', '_changes', '_operations'} <= GRAPH['_plan']
    assert '_plan' in closure('_runners/users') and '_runners/writes' in GRAPH['_runners/users']
