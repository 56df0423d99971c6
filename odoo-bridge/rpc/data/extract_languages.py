#!/usr/bin/env python3
"""Write languages.json beside this file: what Odoo 18's `db.list_lang` answers.

odoo/service/db.py `exp_list_lang` returns odoo/tools/misc.py `scan_languages()`: the (code, name)
pairs of odoo/addons/base/data/res.lang.csv, sorted by name (Python's code-point order). Regenerate:

    python3 odoo-bridge/rpc/data/extract_languages.py --odoo /work/odoo-src
"""
import argparse
import csv
import json
import os
from operator import itemgetter

parser = argparse.ArgumentParser()
parser.add_argument('--odoo', default='/work/odoo-src')
parser.add_argument('--out', default=os.path.join(os.path.dirname(__file__), 'languages.json'))
args = parser.parse_args()
with open(os.path.join(args.odoo, 'odoo/addons/base/data/res.lang.csv'), encoding='utf-8') as handle:
    reader = csv.reader(handle, delimiter=',', quotechar='"')
    header = next(reader)
    code, name = header.index('code'), header.index('name')
    languages = sorted(((row[code], row[name]) for row in reader), key=itemgetter(1))
with open(args.out, 'w', encoding='utf-8') as handle:
    json.dump([list(pair) for pair in languages], handle, ensure_ascii=False, indent=0)
    handle.write('\n')
print(f'{len(languages)} languages -> {args.out}')
