import { sql, type RawBuilder } from 'kysely';

/*
 * One definition of a mean for both ways GET /users/{id}/health-data aggregates (the raw rows,
 * the daily rollup of migration 0004): the exact sum of the values, each as its shortest
 * round-trip decimal (float8 as text; PostgreSQL's default extra_float_digits = 1 gives that),
 * divided by their count in numeric and rounded once to float8. A float sum would depend on the
 * order the rows were summed in (a page of days assembled from the rollup sums in another order
 * than a scan of the readings) and, kept in a rollup, on every value ever added and removed
 * again. This way both paths give the same float8, bit for bit, for any order and history.
 */

/** The exact sum of a float8 column over a group (numeric). */
export const exactSum = (column: RawBuilder<unknown>) => sql<string | null>`sum(${column}::text::numeric)`;

/**
 * The mean of an exact sum over `count` values, as float8: the quotient carries 40 decimals (the
 * dividend's scale decides numeric division's), so converting it rounds once for any value a
 * health reading has.
 */
export const exactMean = (sum: RawBuilder<unknown>, count: RawBuilder<unknown>) =>
  sql<number | null>`CASE WHEN ${count} > 0 THEN (round(${sum}, 40) / ${count})::float8 END`;
