#!/usr/bin/python3
# Records libpq's error-position display through real psycopg2 (Debian's python3-psycopg2, libpq 15)
# for random statement texts: SELECT /*<prefix>*/ '<bad>'::int4 /*<suffix>*/ fails at the literal;
# psycopg2's message is PostgreSQL's text then libpq's excerpt. Output: JSON lines {query, position, message}.
#   /usr/bin/python3 scripts/sql-value-errors/record-libpq-excerpts.py SEED COUNT [DSN] \
#     > fixtures/odoo-sql-errors/libpq-excerpts.jsonl
import json, random, sys, psycopg2
random.seed(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
n = int(sys.argv[2]) if len(sys.argv) > 2 else 300
conn = psycopg2.connect(sys.argv[3] if len(sys.argv) > 3 else 'postgresql://odoo:odoo@127.0.0.1:55496/postgres')
conn.autocommit = True
cur = conn.cursor()
alphabet = list('abcdefghij ABCXYZ0123456789_."(),=') + ['\t', '\n', '\r', '\r\n', 'é', 'ß', '中', '文', '日', 'ｱ', '😀', '→', 'ü']
def text(maxlen):
    k = random.choice([0, 1, 3, 10, 30, 45, 50, 55, 60, 70, 120, random.randint(0, maxlen)])
    weights = random.choice(['ascii', 'mixed', 'lines'])
    out = []
    for _ in range(k):
        if weights == 'ascii': out.append(random.choice(alphabet[:35]))
        elif weights == 'lines': out.append(random.choice(alphabet[:35] + ['\n', '\r', '\r\n', '\t'] * 2))
        else: out.append(random.choice(alphabet))
    return ''.join(out).replace('*/', '* /').replace('/*', '/ *')
for _ in range(n):
    bad = random.choice(['x', 'abc', '5000000000', 'Belgium', 'a' * random.randint(1, 30), '中文'])
    q = f"SELECT /*{text(150)}*/ '{bad}'::int4 /*{text(150)}*/"
    try:
        cur.execute(q)
    except psycopg2.Error as e:
        print(json.dumps({'query': q, 'position': int(e.diag.statement_position), 'message': str(e)}, ensure_ascii=False))
