#!/usr/bin/env python3
"""ir.attachment create/write/unlink/read against a real Odoo 18 (and optionally Ficus beside it).

Each case creates one attachment as a user (datas, raw, url; names with and without extensions;
markup as internal and system users; on records the user may or may not write; portal), then
optionally writes or unlinks it, and reads it back (`read` with and without `bin_size`); what is
kept is the RPC answers without ids, the stored ir_attachment row (database side), the filestore
file's content and its gc checklist mark.

  /usr/bin/python3 scripts/record-ir-attachment.py --odoo http://127.0.0.1:8536 --odoo-dbs odoo_ref=m6_odoo_odoo_ref,hp_legacy=m6_odoo_hp_legacy \
     --odoo-fs /tmp/oracle/m6/odoo-data/filestore --record fixtures/odoo-differential/ir-attachment.json
  ... --ficus http://127.0.0.1:8636 --ficus-dbs odoo_ref=m6_ficus_odoo_ref,hp_legacy=m6_ficus_hp_legacy --ficus-fs /tmp/oracle/m6/ficus-fs
     compares both sides case by case instead.
Run on fresh copies (/tmp/oracle/reset.sh NAME both): the rows name fixed record ids.
"""
import argparse, base64, json, os, struct, subprocess, sys, xmlrpc.client, zlib

USERS = {'odoo_ref': {'admin': (2, 'admin'), 'demo': (6, 'demo'), 'portal': (7, 'portal')},
         'hp_legacy': {'admin': (2, 'admin'), 'member001': (6, 'member001@hp.example'), 'coach001': (246, 'coach001@hp.example')}}
PG = 'postgresql://odoo:odoo@127.0.0.1:55496/'
COLUMNS = ("name, res_model, res_field, res_id, company_id, type, url, public, store_fname, encode(db_datas, 'base64') AS db_datas,"
           " file_size, checksum, mimetype, index_content, create_uid, write_uid, description")


def png(width, height):
    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)
    pixels = b''.join(b'\x00' + b'\x00\x00\x00' * width for _ in range(height))
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(pixels)) + chunk(b'IEND', b'')


def b64(data):
    return base64.b64encode(data).decode()


TEXT = b64(b'hello world this is text\nsecond line ok\n')
CASES = [
    dict(label='text on a partner', db='odoo_ref', user='admin', vals=dict(name='hello.txt', datas=TEXT, res_model='res.partner', res_id=3)),
    dict(label='name without extension, prose content', db='odoo_ref', user='admin', vals=dict(name='notes', datas=TEXT)),
    dict(label='png by content', db='odoo_ref', user='admin', vals=dict(name='image', datas=b64(png(3, 2)))),
    dict(label='png by upper-case extension, demo', db='odoo_ref', user='demo', vals=dict(name='pic.PNG', datas=b64(png(5, 5)), res_model='res.partner', res_id=3)),
    dict(label='given mimetype lower-cased', db='odoo_ref', user='admin', vals=dict(name='x.bin', mimetype='Application/PDF', datas=b64(b'%PDF-1.4 fake'))),
    dict(label='html by demo stored as text/plain', db='odoo_ref', user='demo', vals=dict(name='page.html', datas=b64(b'<html><body>hi there</body></html>'))),
    dict(label='html by admin', db='odoo_ref', user='admin', vals=dict(name='page.html', datas=b64(b'<html><body>hi there</body></html>'))),
    dict(label='html by admin, attachments_mime_plainxml', db='odoo_ref', user='admin', ctx={'attachments_mime_plainxml': True}, vals=dict(name='page.html', datas=b64(b'<html><body>plain</body></html>'))),
    dict(label='svg by demo', db='odoo_ref', user='demo', vals=dict(name='a.svg', datas=b64(b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'))),
    dict(label='raw as str', db='odoo_ref', user='admin', vals=dict(name='raw.txt', raw='some raw text here')),
    dict(label='url attachment, type from the url path', db='odoo_ref', user='admin', vals=dict(name='link', type='url', url='https://example.com/doc.pdf?x=1')),
    dict(label='datas False', db='odoo_ref', user='admin', vals=dict(name='empty.csv', datas=False)),
    dict(label='.tgz unfolds to .tar.gz', db='odoo_ref', user='admin', vals=dict(name='backup.tgz', datas=b64(b'\x1f\x8b\x08\x00abc'))),
    dict(label='pdf by content', db='odoo_ref', user='admin', vals=dict(name='scan', datas=b64(b'%PDF-1.7\n%%EOF'))),
    dict(label='portal may not create', db='odoo_ref', user='portal', vals=dict(name='p.txt', datas=TEXT)),
    dict(label='demo on the admin user', db='odoo_ref', user='demo', vals=dict(name='d.txt', datas=TEXT, res_model='res.users', res_id=2)),
    dict(label='demo on its own user', db='odoo_ref', user='demo', vals=dict(name='d.txt', datas=TEXT, res_model='res.users', res_id=6)),
    dict(label='demo on a missing order (created, then unreadable)', db='odoo_ref', user='demo', vals=dict(name='d.txt', datas=TEXT, res_model='sale.order', res_id=99999)),
    dict(label='demo on an unknown model', db='odoo_ref', user='demo', vals=dict(name='d.txt', datas=TEXT, res_model='no.such.model', res_id=1)),
    dict(label='demo binary with url (serving check)', db='odoo_ref', user='demo', vals=dict(name='d', type='binary', url='/web/x')),
    dict(label='write datas', db='odoo_ref', user='admin', vals=dict(name='w.txt', datas=TEXT), write=dict(datas=b64(b'changed content words'))),
    dict(label='write datas and name', db='odoo_ref', user='admin', vals=dict(name='w.txt', datas=TEXT), write=dict(name='w2.png', datas=b64(png(2, 2)))),
    dict(label='write mimetype only', db='odoo_ref', user='admin', vals=dict(name='w.txt', datas=TEXT), write=dict(mimetype='text/html')),
    dict(label='write raw', db='odoo_ref', user='admin', vals=dict(name='w.txt', datas=TEXT), write=dict(raw='new raw words here')),
    dict(label='write of checksum/file_size dropped', db='odoo_ref', user='admin', vals=dict(name='w.txt', datas=TEXT), write=dict(checksum='abc', file_size=3, description='d')),
    dict(label='write datas False', db='odoo_ref', user='admin', vals=dict(name='w.txt', datas=TEXT), write=dict(datas=False)),
    dict(label='demo writes admin attachment of no record', db='odoo_ref', user='admin', vals=dict(name='u.txt', datas=TEXT), write=dict(name='x'), write_user='demo'),
    dict(label='demo moves an attachment to the admin user', db='odoo_ref', user='demo', vals=dict(name='u.txt', datas=TEXT), write=dict(res_model='res.users', res_id=2)),
    dict(label='unlink keeps the file, marks it for gc', db='odoo_ref', user='admin', vals=dict(name='u.txt', datas=b64(b'unique content for unlink 1')), unlink=True),
    dict(label='portal unlink', db='odoo_ref', user='admin', vals=dict(name='u.txt', datas=TEXT, res_model='res.partner', res_id=3), unlink=True, unlink_user='portal'),
    dict(label='demo unlinks attachment of its partner', db='odoo_ref', user='demo', vals=dict(name='u.txt', datas=b64(b'unique content for unlink 2'), res_model='res.partner', res_id=7), unlink=True),
    dict(label='bad base64', db='odoo_ref', user='admin', vals=dict(name='b.txt', datas='abcde')),
    dict(label='missing padding', db='odoo_ref', user='admin', vals=dict(name='b.txt', datas='abcdef')),
    dict(label='public attachment', db='odoo_ref', user='admin', vals=dict(name='pub.txt', datas=TEXT, public=True)),
    dict(label='docx by name', db='odoo_ref', user='admin', vals=dict(name='Report Q3.docx', datas=b64(b'PK\x03\x04zzzz'))),
    dict(label='json raw by name', db='odoo_ref', user='admin', vals=dict(name='data.json', raw='{"a": 1}')),
    dict(label='data: url', db='odoo_ref', user='admin', vals=dict(name='x', type='url', url='data:image/gif;base64,R0lG')),
    dict(label='text index of non-ascii bytes', db='odoo_ref', user='admin', vals=dict(name='n.txt', datas=b64('café au lait déjà vu ok\x00\x01abcd'.encode()))),
    dict(label='text content named .jpg (PIL cannot open it)', db='hp_legacy', user='admin', vals=dict(name='m.jpg', datas=TEXT, res_model='res.partner', res_id=3)),
    dict(label='demo reads the admin\'s attachment of no record (the _search filter: Uh-oh)', db='odoo_ref', user='admin', vals=dict(name='priv.txt', datas=b64(b'private words')), read_user='demo'),
    dict(label='demo reads a public attachment of the admin', db='odoo_ref', user='admin', vals=dict(name='pub.txt', datas=b64(b'public words'), public=True), read_user='demo'),
    dict(label='portal reads a public attachment (no read right)', db='odoo_ref', user='admin', vals=dict(name='pub.txt', datas=b64(b'public words'), public=True), read_user='portal'),
    dict(label='demo reads an attachment of the admin user', db='odoo_ref', user='admin', vals=dict(name='u.txt', datas=b64(b'user words'), res_model='res.users', res_id=2), read_user='demo'),
    dict(label='member reads the admin\'s attachment of a partner', db='hp_legacy', user='admin', vals=dict(name='p.txt', datas=TEXT, res_model='res.partner', res_id=3), read_user='member001'),
    dict(label='member without record', db='hp_legacy', user='member001', vals=dict(name='m.txt', datas=TEXT)),
    dict(label='member on its own partner', db='hp_legacy', user='member001', vals=dict(name='m.txt', datas=TEXT, res_model='res.partner', res_id=7)),
    dict(label='coach on the admin partner', db='hp_legacy', user='coach001', vals=dict(name='c.txt', datas=TEXT, res_model='res.partner', res_id=3)),
]

READ_FIELDS = ['name', 'datas', 'mimetype', 'file_size', 'checksum', 'index_content', 'store_fname', 'type', 'public', 'res_model', 'res_id', 'local_url', 'image_src']


class Side:
    def __init__(self, url, dbs, filestore):
        self.url, self.dbs, self.filestore = url, dict(p.split('=') for p in dbs.split(',')), filestore

    def rpc(self, db, user, method, args, kwargs=None):
        uid, password = USERS[db][user]
        proxy = xmlrpc.client.ServerProxy(f'{self.url}/xmlrpc/2/object', allow_none=True)
        try:
            return proxy.execute_kw(db, uid, password, 'ir.attachment', method, args, kwargs or {})
        except xmlrpc.client.Fault as fault:
            return {'fault': fault.faultCode, 'message': fault.faultString.strip().splitlines()[-1]}

    def stored(self, db, id_):
        out = subprocess.run(['psql', PG + self.dbs[db], '-AtXc', f'SELECT row_to_json(t) FROM (SELECT {COLUMNS} FROM ir_attachment WHERE id = {int(id_)}) t'],
                             capture_output=True, text=True, check=True).stdout.strip()
        return json.loads(out) if out else None

    def file_facts(self, db, fname):
        path = os.path.join(self.filestore, db, fname)
        return {'file': b64(open(path, 'rb').read()) if os.path.exists(path) else None,
                'gc': os.path.exists(os.path.join(self.filestore, db, 'checklist', fname))}

    def run(self, case):
        db, user = case['db'], case['user']
        out = {}
        created = self.rpc(db, user, 'create', [case['vals']], {'context': case['ctx']} if case.get('ctx') else None)
        if not isinstance(created, int):
            return {'create': created}
        if 'write' in case:
            out['write'] = self.rpc(db, case.get('write_user', user), 'write', [[created], case['write']])
        reader = case.get('read_user', user)
        out['read'] = self.rpc(db, reader, 'read', [[created], READ_FIELDS])
        out['read_bin_size'] = self.rpc(db, reader, 'read', [[created], ['datas', 'file_size']], {'context': {'bin_size': True}})
        out['row'] = self.stored(db, created)
        if out['row'] and out['row']['store_fname']:
            out.update(self.file_facts(db, out['row']['store_fname']))
        if case.get('unlink'):
            out['unlink'] = self.rpc(db, case.get('unlink_user', user), 'unlink', [[created]])
            out['row_after_unlink'] = self.stored(db, created)
            if out['row'] and out['row']['store_fname']:
                out['after_unlink'] = self.file_facts(db, out['row']['store_fname'])
        for key in ('read', 'read_bin_size'):
            if isinstance(out[key], list):
                for record in out[key]:
                    record.pop('id', None)
        # The URLs name the new attachment's id, which differs between databases: kept as ID.
        return json.loads(json.dumps(out).replace(f'/web/image/{created}', '/web/image/ID'))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--odoo', required=True)
    ap.add_argument('--odoo-dbs', required=True)
    ap.add_argument('--odoo-fs', required=True)
    ap.add_argument('--ficus')
    ap.add_argument('--ficus-dbs')
    ap.add_argument('--ficus-fs')
    ap.add_argument('--record')
    a = ap.parse_args()
    odoo = Side(a.odoo, a.odoo_dbs, a.odoo_fs)
    ficus = Side(a.ficus, a.ficus_dbs, a.ficus_fs) if a.ficus else None
    recorded, equal = [], 0
    for case in CASES:
        answer = odoo.run(case)
        recorded.append({**case, 'uid': USERS[case['db']][case['user']][0],
                         **({'write_uid': USERS[case['db']][case['write_user']][0]} if 'write_user' in case else {}),
                         **({'unlink_uid': USERS[case['db']][case['unlink_user']][0]} if 'unlink_user' in case else {}),
                         **({'read_uid': USERS[case['db']][case['read_user']][0]} if 'read_user' in case else {}),
                         'odoo': answer})
        if ficus:
            other = ficus.run(case)
            same = other == answer
            equal += same
            print('EQUAL' if same else 'DIFF ', case['label'])
            if not same:
                for key in sorted(set(answer) | set(other)):
                    if answer.get(key) != other.get(key):
                        print('    ', key, '\n       odoo ', json.dumps(answer.get(key))[:400], '\n       ficus', json.dumps(other.get(key))[:400])
    if ficus:
        print(f'{equal}/{len(CASES)} equal')
    if a.record:
        with open(a.record, 'w') as f:
            json.dump(recorded, f, indent=1, ensure_ascii=False)
            f.write('\n')
        print('recorded', len(recorded), 'cases to', a.record)


if __name__ == '__main__':
    sys.exit(main())
