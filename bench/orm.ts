/**
 * ORM engine throughput, in-process: `search_read` of 80 res.partner rows, 6 fields including
 * many2ones, a 3-leaf domain, as admin of the legacy database. Compared with the same query
 * written by hand in SQL (the floor any engine pays) in the same run.
 * Run: npx tsx bench/orm.ts [--seconds N]
 */
import { createFullOrmEngine } from '../odoo-bridge/orm/write/full-engine.ts';
import { PARTNER_CALL } from './support/partner-call.ts';
import { startBenchCluster } from './support/bench-cluster.ts';
import { measure, printTable, round, secondsArgument } from './support/measure.ts';

const seconds = secondsArgument(10);
const CONCURRENCY = 4;

const bench = await startBenchCluster();
try {
  const engine = createFullOrmEngine({ database: { name: 'hp_legacy', pool: bench.legacyPool } });
  const call = () => engine.call({ database: 'hp_legacy', uid: 2, ...PARTNER_CALL, args: [...PARTNER_CALL.args], kwargs: { ...PARTNER_CALL.kwargs } });
  const sample = (await call()) as unknown[];
  if (sample.length !== 80) throw new Error(`expected 80 rows, got ${sample.length}`);

  // The same rows and names written by hand, once as a one-off statement and once prepared
  // (as the engine prepares statements it runs repeatedly): the floor any engine pays.
  const handWrittenSql = `SELECT p.id, p.name, p.email, p.phone, p.city, p.country_id, c.name AS country, p.company_id, k.name AS company
         FROM res_partner p LEFT JOIN res_country c ON c.id = p.country_id LEFT JOIN res_company k ON k.id = p.company_id
        WHERE p.active AND (p.phone ILIKE $1 OR p.city IS NOT NULL) ORDER BY p.id LIMIT 80`;
  const handWritten = () => bench.legacyPool.query({ text: handWrittenSql, values: ['%+86%'] });
  const handWrittenPrepared = () => bench.legacyPool.query({ name: 'bench_partner_search', text: handWrittenSql, values: ['%+86%'] });
  const baseline = await measure(handWritten, { seconds, concurrency: CONCURRENCY });
  const preparedBaseline = await measure(handWrittenPrepared, { seconds, concurrency: CONCURRENCY });
  const engineFigures = await measure(call, { seconds, concurrency: CONCURRENCY });
  const share = (floor: number) => `${round((100 * engineFigures.perSecond) / floor)}%`;
  printTable(`search_read of 80 res.partner rows, ${CONCURRENCY} concurrent callers, ${seconds} s each`, [
    { name: 'hand-written SQL (baseline)', figures: baseline },
    { name: 'hand-written SQL, prepared', figures: preparedBaseline },
    {
      name: 'ORM engine in-process',
      figures: engineFigures,
      note: `${share(baseline.perSecond)} of the one-off SQL, ${share(preparedBaseline.perSecond)} of the prepared; bar 3,000/s ${engineFigures.perSecond >= 3000 ? 'met' : 'NOT met'}`,
    },
  ]);
  console.log(
    JSON.stringify({
      bench: 'orm',
      search_read_per_s: round(engineFigures.perSecond, 0),
      p50_ms: round(engineFigures.p50Ms, 2),
      p99_ms: round(engineFigures.p99Ms, 2),
      baseline_sql_per_s: round(baseline.perSecond, 0),
      baseline_prepared_sql_per_s: round(preparedBaseline.perSecond, 0),
    }),
  );
} finally {
  await bench.stop();
}
