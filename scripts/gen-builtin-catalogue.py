#!/usr/bin/env python3
"""Regenerates the declarations in BuiltinCatalogue.java from an OPA capabilities file.

Usage: scripts/gen-builtin-catalogue.py ../shared/rego-conformance/opa-capabilities.json
Prints the Java declaration lines; paste them between the markers in BuiltinCatalogue.java.
The type notation is the one Types.parse reads (see Types.java).
"""
import json, sys

def ty(t):
    k = t['type']
    if k in ('null', 'boolean', 'number', 'string'):
        return k
    if k == 'any':
        if 'of' in t:
            return '(' + '|'.join(ty(x) for x in t['of']) + ')'
        return 'any'
    if k == 'set':
        return 'set[' + ty(t['of']) + ']'
    if k == 'array':
        if 'static' in t:
            s = 'array<' + ','.join(ty(x) for x in t['static']) + '>'
            if 'dynamic' in t:
                s += '[' + ty(t['dynamic']) + ']'
            return s
        return 'array[' + ty(t['dynamic']) + ']'
    if k == 'object':
        s = 'object'
        if 'static' in t:
            s += '{' + ','.join(x['key'] + ':' + ty(x['value']) for x in t['static']) + '}'
        if 'dynamic' in t:
            s += '[' + ty(t['dynamic']['key']) + ':' + ty(t['dynamic']['value']) + ']'
        if s == 'object':
            s += '[any:any]'
        return s
    raise SystemExit('unknown type ' + json.dumps(t))

caps = json.load(open(sys.argv[1]))
for b in sorted(caps['builtins'], key=lambda b: b['name']):
    d = b['decl']
    args = [ty(a) for a in d.get('args', [])]
    if 'variadic' in d:
        args.append(ty(d['variadic']) + '...')
    res = ty(d['result']) if 'result' in d else 'void'
    flags = []
    if b.get('infix'): flags.append('infix("%s")' % b['infix'])
    if b.get('relation'): flags.append('relation()')
    if b.get('nondeterministic'): flags.append('nondeterministic()')
    sig = '(%s) => %s' % (', '.join(args), res)
    line = '    d("%s", "%s")' % (b['name'], sig)
    for f in flags: line += '.' + f
    print(line + ';')
