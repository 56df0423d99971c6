import type pg from 'pg';

export type DifferenceKind = 'missing-in-target' | 'missing-in-source' | 'different';
export type TimestampPrecision = 'second' | 'millisecond' | 'microsecond';

/** How values that legitimately differ in form are made comparable before hashing. */
export interface NormalisationOptions {
  /** Timestamps are truncated to this precision on both sides (a JS `Date` keeps milliseconds). Default millisecond. */
  timestampPrecision: TimestampPrecision;
  /** When set, numbers are rounded to this many decimals on both sides; otherwise compared by value (1.50 = 1.5). */
  numericScale: number | null;
  /** Columns (`table.column` or `column`, `*` for every text column) where NULL and '' count as equal. */
  nullEqualsEmpty: string[];
  /** Columns left out of the comparison (`table.column` or `column`). */
  ignoreColumns: string[];
}

export const DEFAULT_NORMALISATION: NormalisationOptions = {
  timestampPrecision: 'millisecond',
  numericScale: null,
  nullEqualsEmpty: [],
  ignoreColumns: [],
};

export interface ReconcileTuning {
  /** Rows per first-level chunk (the chunk's primary-key span is derived from the table's density). Default 32. */
  chunkRows: number;
  /** At most this many first-level chunks per table; bigger tables get wider chunks and bisection. Default 400 000. */
  maxChunks: number;
  /**
   * A differing chunk with at most this many rows is compared row by row; bigger ones are split.
   * Splitting re-hashes the chunk's rows inside PostgreSQL (about 1.6 µs a row for 20 columns)
   * to save moving their (key, hash) pairs to this process and comparing them here (several µs
   * a row), so it pays down to small chunks. Default 4.
   */
  leafRows: number;
  /** Each bisection step splits a differing range into this many parts (a power of two). Default 8. */
  fanOut: number;
  /** Rows per first-pass query: the first pass reads the table's pages in slices of about this many rows. Default 500 000. */
  sliceRows: number;
  /** Connections (and so checksum queries in flight) per side. Default 1 (each side already runs on its own server process). */
  concurrency: number;
  /** Differing rows per table whose (non-health) values are shown. Default 20. */
  maxValueRows: number;
}

export const DEFAULT_TUNING: ReconcileTuning = {
  chunkRows: 32,
  maxChunks: 400_000,
  leafRows: 4,
  fanOut: 8,
  sliceRows: 500_000,
  concurrency: 1,
  maxValueRows: 20,
};

export interface LagOptions {
  /** Rows written within this window are re-checked once it has passed, not reported. 0 disables. */
  lagWindowMs: number;
  /** The column that says when a row was last written (Odoo: `write_date`, UTC). */
  writeDateColumn: string;
}

/** One table to compare: where it lives on each side. */
export interface TablePair {
  table: string;
  /** Name on the target side; the same as `table` unless a service renamed it. */
  targetTable: string;
  /** Module code that owns the table, for the report. */
  module?: string;
  source: pg.Pool;
  target: pg.Pool;
  /** Where the target lives, for the report (never a password). */
  targetLabel: string;
}

export interface ReconcileProgress {
  table: string;
  phase: 'introspect' | 'checksum' | 'bisect' | 'rows' | 'recheck' | 'rules' | 'done';
  /** Rows covered so far / expected, for the current table. */
  done: number;
  total: number;
}

export interface RowDifference {
  /** Primary key value (`42`), or the key tuple for composite keys (`(3,7)`). */
  key: string;
  kind: DifferenceKind;
  /** For `different`: the columns whose normalised values differ. */
  columns?: string[];
  /** For some `different` rows: normalised values of differing columns that are not health data or secrets. */
  values?: Record<string, { source: string | null; target: string | null }>;
}

/** `failed`: the table could not be compared (a database error about its data or shape); counted as a difference. */
export type TableStatus = 'clean' | 'differences' | 'missing-in-target' | 'missing-in-source' | 'skipped' | 'failed';

export interface TableResult {
  table: string;
  targetTable: string;
  module?: string;
  targetLabel: string;
  status: TableStatus;
  reason?: string;
  keyColumns: string[];
  rowsSource: number;
  rowsTarget: number;
  /** Primary-key range covered (both sides), for charts. */
  keyRange: { min: number; max: number } | null;
  /** Primary-key span of a first-level chunk. */
  chunkSpan: number;
  chunksCompared: number;
  chunksDiffering: number;
  bisectionLevels: number;
  rowsFetched: number;
  schema: { onlyInSource: string[]; onlyInTarget: string[]; comparedColumns: string[] };
  differences: RowDifference[];
  /** Keys still being written when re-checked after the lag window: neither clean nor reported. */
  unsettled: string[];
  timingsMs: { checksum: number; bisect: number; rows: number; recheck: number; total: number };
}
