import { checkContentSide, contentBaseline } from './content-drill-checks.ts';
import type { ContentLoadReport } from './content-load-types.ts';
import { callLatencies } from './drill-figures.ts';
import type { DrillStack } from './drill-stack.ts';
import { startLoadThread } from './load-thread.ts';
import { drillPassThrough, hasRest, restLoadOptions, runServiceDrill, serviceDrillClean, serviceLostAndDuplicated, type ServiceDrillResult, type ServiceDrillRunOptions } from './service-drill.ts';

/**
 * M12 (hp_qa), M11 (hp_community), M06 (hp_knowledge): the content service's modules in the
 * drill's cutover order. M12 goes first on purpose: its questions' tags (qa_question_tag_rel →
 * content_tags) are M06's rows, so from M12's cutover until M06's, and again from M06's rollback
 * until M12's, a question is written on svc_content naming tags the monolith owns (and the load
 * makes a tag and uses it in a question at once). M11's posts name M08's community groups (biz's,
 * legacy in this drill) throughout.
 */
export const CONTENT_DRILL_MODULES = ['M12', 'M11', 'M06'] as const;

export type ContentDrillOptions = ServiceDrillRunOptions;
export type ContentDrillResult = ServiceDrillResult<ContentLoadReport>;

/**
 * The cutover drill on M06, M11 and M12 (the content service): the content load (content-load.ts:
 * tags, contents published and unpublished, purchases with their stored count read back, groups
 * and posts in them at once, likes, hides, comments and replies, questions with tags made a moment
 * before, answers, votes, acceptances and closes, refusals, reads and searches of all seven models,
 * and the REST routes the service has, on XML-RPC, JSON-RPC and REST) through every phase
 * (module-drill.ts), each module changing owner in its own freeze while the others keep their
 * phase. Then, on both sides (content-drill-checks.ts): every row a client was answered with exists
 * once with the values its last accepted write gave it (counts exact, tags linked), no relation row
 * names a tag the side lacks, and `ficus reconcile M06 M11 M12` is clean, business rules
 * (content-rules.ts) included.
 */
export function runContentCutoverDrill(stack: DrillStack, o: ContentDrillOptions): Promise<ContentDrillResult> {
  return runServiceDrill(stack, {
    service: 'content',
    modules: CONTENT_DRILL_MODULES,
    // M06, M11 and M12 change owner on their own (hp.qa.question.tag_ids is a loose link): each its own freeze, back to back.
    ownerChanges: 'one at a time',
    users: { members: o.members, coaches: o.coaches },
    dwellMs: o.dwellMs,
    restWrites: hasRest(o) ? 'always' : 'never',
    baseline: () => contentBaseline(),
    startLoad: (users) =>
      startLoadThread<typeof import('./content-load.ts'), 'startContentLoad'>(new URL('./content-load.ts', import.meta.url), 'startContentLoad', {
        gatewayUrl: stack.gatewayUrl, database: 'hp_legacy', members: o.members, coaches: o.coaches, ratePerSecond: o.ratePerSecond, runTag: o.runTag,
        ...restLoadOptions(o, [...users.members, ...users.coaches]),
      }),
    checkSide: checkContentSide,
    ...drillPassThrough(o),
  });
}

/** Whether the drill held every invariant: no failed call, nothing lost, doubled or wrong on either side, no stale read outside canary, reconcile clean. */
export const contentDrillClean = serviceDrillClean;

/** Lost (missing on a side), duplicated (extra) and wrong rows over both sides. */
export const contentLostAndDuplicated = serviceLostAndDuplicated;

/** p50 / p99 of every call, and per kind of call, slowest p99 first. */
export const contentLatencies = callLatencies;
