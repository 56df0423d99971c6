import { describe, expect, it } from 'vitest';
import { encodePgText } from '../../../cdc/events/encode-pg-text.ts';
import { lsnToNumber, numberToLsn } from '../../../cdc/events/lsn.ts';
import { PgType } from '../../../cdc/events/pg-types.ts';
import { isUnavailable, UNAVAILABLE_VALUE, UNAVAILABLE_VALUE_BASE64 } from '../../../cdc/events/unavailable.ts';
import { validateChangeEvent } from '../../../cdc/events/validate.ts';

describe('value encoding (Debezium decimal=string, time=isostring, binary=base64)', () => {
  it.each([
    [PgType.int4, '42', 42],
    [PgType.int8, '9007199254740993', '9007199254740993'],
    [PgType.int8, '12', 12],
    [PgType.numeric, '12.3400', '12.3400'],
    [PgType.numeric, 'NaN', 'NAN'],
    [PgType.float8, '0.1', 0.1],
    [PgType.float8, 'NaN', 'NaN'],
    [PgType.bool, 't', true],
    [PgType.bool, 'f', false],
    [1043, 'draft', 'draft'],
    [25, 'long text', 'long text'],
    [PgType.date, '2024-05-01', '2024-05-01Z'],
    [PgType.timestamp, '2024-05-01 10:00:00', '2024-05-01T10:00:00Z'],
    [PgType.timestamp, '2024-05-01 10:00:00.12', '2024-05-01T10:00:00.12Z'],
    [PgType.timestamp, '2024-05-01 10:00:00.1234', '2024-05-01T10:00:00.1234Z'],
    [PgType.timestamptz, '2024-05-01 12:00:00.5+02', '2024-05-01T10:00:00.500000Z'],
    [PgType.timestamptz, '2024-05-01 12:00:00+00', '2024-05-01T12:00:00.000000Z'],
    [PgType.time, '04:05:11.789', '04:05:11.789Z'],
    [PgType.time, '04:05:11.5', '04:05:11.5Z'],
    [PgType.jsonb, '{"en_US": "Azure"}', '{"en_US": "Azure"}'],
    [PgType.bytea, '\\x0001ff', 'AAH/'],
    [PgType.interval, 'P1Y2M3DT4H5M6.78S', 'P1Y2M3DT4H5M6.78S'],
    [PgType.interval, 'P-1D', 'P0Y0M-1DT0H0M0S'],
    [PgType.interval, 'PT0S', 'P0Y0M0DT0H0M0S'],
    [PgType.interval, 'PT-4H-5M-6.5S', 'P0Y0M0DT-4H-5M-6.5S'],
    [1007, '{1,2,NULL}', [1, 2, null]],
    [1009, '{"a b",c}', ['a b', 'c']],
  ])('type %i: %s', (oid, text, expected) => {
    expect(encodePgText(oid, text)).toEqual(expected);
  });

  it.each([
    [3, '2024-05-01 12:00:00+00', '2024-05-01T12:00:00.000Z'],
    [3, '2024-05-01 12:00:00.1+00', '2024-05-01T12:00:00.100Z'],
    [0, '2024-05-01 12:00:00+00', '2024-05-01T12:00:00Z'],
  ])('timestamptz(%i) %s: exactly the column precision, as Debezium prints it', (typeMod, text, expected) => {
    expect(encodePgText(PgType.timestamptz, text, typeMod)).toBe(expected);
  });

  it('recognises the unchanged-TOAST placeholder in every form Debezium writes it', () => {
    expect(isUnavailable(UNAVAILABLE_VALUE)).toBe(true);
    expect(isUnavailable(UNAVAILABLE_VALUE_BASE64)).toBe(true);
    expect(isUnavailable([UNAVAILABLE_VALUE])).toBe(true);
    expect(isUnavailable('x')).toBe(false);
  });

  it('round-trips LSNs', () => {
    for (const lsn of ['0/0', '0/16B3748', '1/0', 'FF/FFFFFFFF']) expect(numberToLsn(lsnToNumber(lsn))).toBe(lsn);
  });
});

describe('change-event schema', () => {
  const debeziumUpdate = {
    key: { id: 7 },
    value: {
      before: null,
      after: { id: 7, name: '{"en_US": "Azure"}', credit: '12.3456', write_date: '2024-05-01T10:00:00.123456Z', birthday: '2024-05-01Z', active: false, tag_ids: [1, 2] },
      source: {
        version: '3.5.2.Final', connector: 'postgresql', name: 'odoo', ts_ms: 1714557600200, snapshot: 'false', db: 'odoo',
        sequence: '["24023119","24023128"]', ts_us: 1714557600200123, ts_ns: 1714557600200123000, schema: 'public',
        table: 'res_partner', txId: 555, lsn: 24023128, xmin: null, origin: null, origin_lsn: null,
      },
      transaction: null,
      op: 'u',
      ts_ms: 1714557600251,
    },
  };

  it('accepts a Debezium 3.5 update envelope', () => {
    expect(validateChangeEvent(debeziumUpdate)).toEqual({ ok: true });
  });

  it('rejects a delete with an after-image, an unknown op and a boolean snapshot flag', () => {
    const del = structuredClone(debeziumUpdate);
    del.value.op = 'd';
    expect(validateChangeEvent(del).ok).toBe(false);
    const unknown = structuredClone(debeziumUpdate) as { value: { op: string } };
    unknown.value.op = 'x';
    expect(validateChangeEvent(unknown).ok).toBe(false);
    const bool = structuredClone(debeziumUpdate) as unknown as { value: { source: { snapshot: unknown } } };
    bool.value.source.snapshot = true;
    expect(validateChangeEvent(bool).ok).toBe(false);
  });
});
