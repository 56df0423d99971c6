import { callRecorder, type CallFigures, type DrillCall } from './call-recorder.ts';
import { startOpenLoop } from './open-loop.ts';

/** What a service's drill load takes (user-load.ts, biz-load.ts, ops-load.ts …). */
export interface ServiceLoadOptions {
  gatewayUrl: string;
  database: string;
  /** Members member001… and coaches coach001…, alternately over XML-RPC and JSON-RPC (rpc-logins.ts). */
  members: number;
  coaches: number;
  ratePerSecond: number;
  /** Makes names, serials, titles and idempotency keys unique per run. */
  runTag: string;
  /** The service's REST API (mounted on the gateway) and bearer tokens by uid; REST calls run only when given. */
  restUrl?: string;
  restTokens?: Record<string, string>;
  /** The service's routes (`METHOD /path`): the load calls those it knows of them. */
  restRoutes?: readonly string[];
}

/** What every paced load reports beside its call figures: the REST routes it called. */
export interface RestRoutesUsed {
  restRoutesUsed: string[];
}

export type Perform<Channel extends string> = (call: DrillCall<Channel>) => Promise<void>;

/**
 * A drill load's open loop (open-loop.ts) and the controls a drill runner holds it by: call
 * number `i` is `callNumber(i, perform)`, each call recorded (call-recorder.ts); REST writes are
 * off until `setRestWrites(true)` (off resolves once none is in flight, so a rollback starts with
 * none pending); `stop` waits for the calls in flight, then runs every read-back still queued
 * (each write is read back once) and every lifecycle step they release (`ready`), so each
 * lifecycle begun ends whatever the machine's speed, and lists the REST routes called.
 */
export function pacedLoad<Channel extends string, Report extends CallFigures<Channel> & RestRoutesUsed>(o: {
  report: Report;
  ratePerSecond: number;
  /** Read-backs still queued when the loop stops (read-backs.ts). */
  readBacks: DrillCall<Channel>[];
  /** Lifecycles' next steps, released by their read-backs (a lifecycle goes on once its write is read back). */
  ready?: DrillCall<Channel>[];
  /** The REST routes the load's calls used (`METHOD /path`). */
  restUsed: ReadonlySet<string>;
  callNumber(i: number, perform: Perform<Channel>): Promise<void>;
}): { report: Report; restWrites(): boolean; setRestWrites(on: boolean): Promise<void>; stop(): Promise<Report> } {
  const record = callRecorder<Channel>(o.report);
  const inFlightRest = new Set<Promise<void>>();
  let restWrites = false;
  const perform: Perform<Channel> = (call) => {
    const done = record(call);
    if (call.channel === 'rest' && call.write) {
      inFlightRest.add(done);
      void done.finally(() => inFlightRest.delete(done));
    }
    return done;
  };
  const loop = startOpenLoop(o.ratePerSecond, (i) => o.callNumber(i, perform), () => o.report.late++);
  return {
    report: o.report,
    restWrites: () => restWrites,
    async setRestWrites(on) {
      restWrites = on;
      if (!on) await Promise.all(inFlightRest);
    },
    async stop() {
      await loop.stop();
      for (let next = o.readBacks.shift() ?? o.ready?.shift(); next; next = o.readBacks.shift() ?? o.ready?.shift()) await perform(next);
      o.report.restRoutesUsed = [...o.restUsed].sort();
      return o.report;
    },
  };
}
