/** Built-in PostgreSQL type OIDs the value encoding treats specially (pg_type.oid, stable). */
export const PgType = {
  bool: 16,
  bytea: 17,
  int8: 20,
  int2: 21,
  int4: 23,
  oid: 26,
  json: 114,
  float4: 700,
  float8: 701,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  timetz: 1266,
  numeric: 1700,
  jsonb: 3802,
} as const;

/** Array type OID → element type OID, for the built-in array types Odoo-like schemas use. */
export const ARRAY_ELEMENT_TYPE: ReadonlyMap<number, number> = new Map([
  [1000, PgType.bool],
  [1001, PgType.bytea],
  [1005, PgType.int2],
  [1007, PgType.int4],
  [1016, PgType.int8],
  [1028, PgType.oid],
  [1009, 25], // text
  [1014, 1042], // bpchar
  [1015, 1043], // varchar
  [1021, PgType.float4],
  [1022, PgType.float8],
  [1231, PgType.numeric],
  [1182, PgType.date],
  [1183, PgType.time],
  [1115, PgType.timestamp],
  [1185, PgType.timestamptz],
  [1187, PgType.interval],
  [1270, PgType.timetz],
  [199, PgType.json],
  [3807, PgType.jsonb],
  [2951, 2950], // uuid
]);
