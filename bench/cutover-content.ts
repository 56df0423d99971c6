// The cutover drill on M06, M11 and M12 (the content service, issue 23): `npx tsx bench/cutover-content.ts`. Prints a table, then one JSON line.
// DRILL_RATE (200), DRILL_MEMBERS (20), DRILL_COACHES (4), DRILL_DWELL_MS (6000); DRILL_STRICT=1 steps through the gates without
// --force; DRILL_LEASE_MS gives a freeze longer than the production 5 s before gateways release held writes (a loaded machine).
import content from '../services/content/index.ts';
import { benchServiceDrill, drillFigures, drillSettings, drillTable, routeNames, serviceLoadFigures, serviceLoadLines } from './drill/bench-drill.ts';
import { CONTENT_DRILL_MODULES, contentDrillClean, contentLatencies, runContentCutoverDrill } from './drill/run-content-drill.ts';

const settings = drillSettings({ rate: 200, members: 20, coaches: 4, dwellMs: 6000 });
const { result, loadAverage } = await benchServiceDrill({
  prefix: 'cdrill', definition: content, modules: CONTENT_DRILL_MODULES,
  run: (stack, mount) => runContentCutoverDrill(stack, {
    members: settings.members, coaches: settings.coaches, ratePerSecond: settings.rate, dwellMs: settings.dwellMs, runTag: String(Date.now()),
    restUrl: stack.gatewayUrl, restRoutes: routeNames(content), tokensFor: (uids) => mount().tokensFor(uids),
    strictGates: settings.strict, ...(settings.leaseMs ? { leaseMs: settings.leaseMs } : {}), log: (l) => process.stderr.write(`${l}\n`),
  }),
});

const l = result.load;
const figures = drillFigures(result, settings);
const latency = contentLatencies(l);
const likes = l.posts.reduce((n, p) => n + p.likes, 0);
for (const line of serviceLoadLines(result, settings, 'M12, M11, M06 → content, embedded, one freeze per module')) console.log(line);
console.log(`  rows: ${l.tags.length} tags, ${l.contents.length} contents (${l.contents.filter((c) => c.published).length} published), ${l.purchases.length} purchases, ${l.groups.length} groups on M08, ${l.posts.length} posts (${l.posts.filter((p) => p.state === 'hidden').length} hidden, ${likes} likes), ${l.comments.length} comments, ${l.questions.length} questions (${['open', 'answered', 'closed'].map((s) => `${l.questions.filter((q) => q.state === s).length} ${s}`).join(', ')}; ${l.questions.filter((q) => q.tagIds.length).length} with tags), ${l.answers.length} answers; ${l.countReads} counts read back; ${l.refusals.length} refusals asked for`);
console.log(`  latency all calls: p50 ${latency.p50} ms, p99 ${latency.p99} ms; writes p50 ${figures.writeP50Ms} ms, p99 ${figures.writeP99Ms} ms; writes held by a freeze: p99 ${result.freezeHoldP99Ms} ms, max ${result.freezeHoldMaxMs} ms`);
for (const line of drillTable(result, CONTENT_DRILL_MODULES, loadAverage)) console.log(line);
for (const line of latency.byMethod.slice(0, 8)) console.log(`  latency ${line}`);
for (const s of l.staleReads.slice(0, 5)) console.log(`  stale: ${s.method}: ${s.detail}`);
for (const f of l.failures.slice(0, 5)) console.log(`  failure: ${f.method}: ${f.message}`);
const ok = contentDrillClean(result);
console.log(JSON.stringify({
  bench: 'cutover-content',
  modules: CONTENT_DRILL_MODULES,
  ...serviceLoadFigures(result, settings),
  rows: {
    tags: l.tags.length, contents: l.contents.length, purchases: l.purchases.length, groups: l.groups.length, posts: l.posts.length, likes, comments: l.comments.length,
    questions: l.questions.length, questionsWithTags: l.questions.filter((q) => q.tagIds.length).length, answers: l.answers.length, countReads: l.countReads, refusals: l.refusals.length,
  },
  ...figures,
  p50Ms: latency.p50,
  p99Ms: latency.p99,
  loadAverage,
  ok,
  failures: l.failures.slice(0, 5),
}));
process.exit(ok ? 0 : 1);
