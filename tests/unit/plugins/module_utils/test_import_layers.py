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
# The folders of plugins/module_utils ('': itself), whose files an import may name.
PACKAGES = ('', 'api', 'domain', 'results', '_runners')

# The layers, lowest first, by folder: each file of plugins/module_utils (without .py) is in the layer its folder
# names; at the top, the module glue, but for the two files every module imports first (the version, the check of the
# Python on the host), which import nothing of the collection.
LAYERS = (
    ('common', lambda name: name in ('_python', '_version')),
    # The wire: one client and what it is made of, the documented operations and their endpoints, errors, redaction,
    # the identifier rules the answers are checked with.
    ('wire', lambda name: name.startswith('api/')),
    # The domain: the wanted items, the account index, inactivity, the removal guard, the change records, the planner.
    ('domain', lambda name: name.startswith('domain/')),
    # The results: the projections of the change records (users[], drift[], written, diffs, the drift report).
    ('results', lambda name: name.startswith('results/')),
    # The module glue: options, list files, the one fail_json, the runners and the write executor.
    ('glue', lambda name: '/' not in name or name.startswith('_runners/')),
)
LAYER_NAMES = [layer for layer, _test in LAYERS]


def layer_of(name):
    return next(rank for rank, (_layer, test) in enumerate(LAYERS) if test(name))


INPUT_SIDE = ('_options', 'domain/items', '_list_files')
OUTPUT_SIDE = ('domain/changes', 'results/report')


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
            rest = node.module[len(PACKAGE):].lstrip('.').replace('.', '/')
            if rest in PACKAGES:
                found.update((rest + '/' if rest else '') + alias.name for alias in node.names)
            else:
                found.add(rest)
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


def test_every_import_is_a_file_of_module_utils():
    files = set(GRAPH)
    assert sorted('%s imports %s' % (name, imported) for name in GRAPH for imported in GRAPH[name]
                  if imported not in files) == []


@pytest.mark.parametrize('name', sorted(GRAPH))
def test_a_file_imports_only_its_own_layer_or_lower_ones(name):
    higher = sorted('%s (%s)' % (imported, LAYER_NAMES[layer_of(imported)]) for imported in GRAPH[name]
                    if layer_of(imported) > layer_of(name))
    assert higher == [], '%s (%s) imports a higher layer' % (name, LAYER_NAMES[layer_of(name)])


@pytest.mark.parametrize('name', INPUT_SIDE)
def test_the_input_side_never_imports_the_output_side(name):
    assert sorted(closure(name) & set(OUTPUT_SIDE)) == []


def test_cloudflare_zt_user_info_does_not_import_the_planner():
    assert 'domain/plan' not in closure('_runners/user_info')
    assert 'domain/plan' not in closure('_module')


def test_the_graph_is_read_from_the_source():
    # A check of the check: the planner's imports are found, and the runners reach it.
    assert {'domain/account', 'domain/changes', 'api/operations'} <= GRAPH['domain/plan']
    assert 'domain/plan' in closure('_runners/users') and '_runners/writes' in GRAPH['_runners/users']
    assert [layer_of(name) for name in ('_version', 'api/client', 'domain/plan', 'results/report', '_runners/users')] == [
        0, 1, 2, 3, 4]
