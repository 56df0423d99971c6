#!/usr/bin/env python3
"""Sends every pristine golden case to two servers and compares their answers with each other
(volatile paths ignored, as the golden README says). Used to show that a proxying gateway
answers exactly as the server behind it.
Usage: compare_servers.py URL_A URL_B golden.jsonl --db NAME [--only PREFIXES]
Prints one JSON line: {"compared": N, "different": [ids...]}."""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from replay_golden import Client, load, normalise  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('a')
    ap.add_argument('b')
    ap.add_argument('file')
    ap.add_argument('--db', default='odoo_ref')
    ap.add_argument('--only', default='')
    args = ap.parse_args()
    prefixes = tuple(p for p in args.only.split(',') if p)
    cases = [c for c in load([args.file]) if c['db_state'] == 'pristine' and (not prefixes or c['id'].startswith(prefixes))]
    a, b = Client(args.a, args.db), Client(args.b, args.db)
    different = []
    for case in cases:
        try:
            got_a = normalise(case, a.run(case), True)
            got_b = normalise(case, b.run(case), True)
        except Exception as error:  # a transport failure is a difference too
            different.append({'id': case['id'], 'error': repr(error)[:200]})
            continue
        if json.dumps(got_a, sort_keys=True) != json.dumps(got_b, sort_keys=True):
            different.append({'id': case['id']})
    print(json.dumps({'compared': len(cases), 'different': different}))


if __name__ == '__main__':
    main()
