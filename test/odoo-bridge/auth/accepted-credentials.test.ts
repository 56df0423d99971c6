/**
 * The rule that makes remembering accepted credentials safe (accepted-credentials.ts,
 * credential-changes.ts), checked over random interleavings of database commits, notifications
 * arriving, credential reads, lost and regained listening connections: an acceptance is used
 * only if the read it came from saw every change whose notification has arrived since, and the
 * feed listened without a gap. And it is used whenever that holds (the cache does its job).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AcceptedCredentials } from '../../../odoo-bridge/auth/accepted-credentials.ts';
import { CredentialChanges, type ChangeStamp } from '../../../odoo-bridge/auth/credential-changes.ts';

const UIDS = [1, 2] as const;
const SECRETS = ['s1', 's2'] as const;

type Step =
  | { kind: 'commit'; uid: number }
  | { kind: 'deliver' }
  | { kind: 'truncate' }
  | { kind: 'deaf' }
  | { kind: 'listening' }
  | { kind: 'read'; uid: number; secret: string }
  /** Remembers what the `back`-th most recent read found. */
  | { kind: 'remember'; back: number }
  | { kind: 'check'; uid: number; secret: string };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('commit' as const), uid: fc.constantFrom(...UIDS) }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'deliver' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'truncate' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'deaf' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'listening' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('read' as const), uid: fc.constantFrom(...UIDS), secret: fc.constantFrom(...SECRETS) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('remember' as const), back: fc.nat(2) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('check' as const), uid: fc.constantFrom(...UIDS), secret: fc.constantFrom(...SECRETS) }) },
);

describe('accepted credentials against the change feed', () => {
  it('never uses an acceptance older than an announced change, and always uses a current one', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(step, { maxLength: 60 }), (startLive, steps) => {
        const changes = new CredentialChanges();
        if (startLive) changes.listening();
        const accepted = new AcceptedCredentials(changes, { ttlMs: 1e12 });

        // The model: the database's version of each user's credentials, notifications in flight,
        // and what the feed must already reflect (advanced by a delivered notification, and by any
        // gap in listening, after which nothing older may be trusted).
        const version = new Map<number, number>(UIDS.map((uid) => [uid, 0]));
        const mustReflect = new Map<number, number>(UIDS.map((uid) => [uid, 0]));
        const inFlight: { uid: number | '*'; version: number }[] = [];
        let live = startLive;
        let clock = 0;
        /** Per event, its time: to tell what happened after a stamp. */
        const voidingAt: { at: number; uid: number | '*' }[] = [];
        const reads: { uid: number; secret: string; version: number; stamp: ChangeStamp | undefined; at: number; stampedLive: boolean }[] = [];
        const remembered = new Map<string, { version: number; at: number; stampedLive: boolean }>();
        const voidAll = () => {
          voidingAt.push({ at: ++clock, uid: '*' });
          for (const uid of UIDS) mustReflect.set(uid, version.get(uid)!);
        };

        for (const s of steps) {
          switch (s.kind) {
            case 'commit':
              version.set(s.uid, version.get(s.uid)! + 1);
              inFlight.push({ uid: s.uid, version: version.get(s.uid)! });
              break;
            case 'truncate':
              for (const uid of UIDS) version.set(uid, version.get(uid)! + 1);
              inFlight.push({ uid: '*', version: 0 });
              break;
            case 'deliver': {
              const next = inFlight.shift();
              if (!next || !live) break; // a deaf feed hears nothing
              changes.announce(String(next.uid));
              if (next.uid === '*') voidAll();
              else {
                voidingAt.push({ at: ++clock, uid: next.uid });
                mustReflect.set(next.uid, Math.max(mustReflect.get(next.uid)!, next.version));
              }
              break;
            }
            case 'deaf':
              changes.deaf();
              live = false;
              inFlight.length = 0; // sent while nobody listened: lost
              voidAll();
              break;
            case 'listening':
              changes.listening();
              live = true;
              voidAll();
              break;
            case 'read':
              reads.push({ uid: s.uid, secret: s.secret, version: version.get(s.uid)!, stamp: accepted.stamp(), at: ++clock, stampedLive: live });
              break;
            case 'remember': {
              const read = reads[reads.length - 1 - s.back];
              if (!read) break;
              accepted.remember(`uid ${read.uid}`, read.secret, read.uid, read.stamp);
              if (read.stampedLive && live && !voidingAt.some((v) => v.at > read.at && (v.uid === '*' || v.uid === read.uid))) {
                remembered.set(`${read.uid} ${read.secret}`, { version: read.version, at: read.at, stampedLive: true });
              }
              break;
            }
            case 'check': {
              const got = accepted.acceptedUid(`uid ${s.uid}`, s.secret);
              const entry = remembered.get(`${s.uid} ${s.secret}`);
              const current = entry !== undefined && live && !voidingAt.some((v) => v.at > entry.at && (v.uid === '*' || v.uid === s.uid));
              // Safety: whatever is used reflects every announced change.
              if (got !== undefined) {
                expect(got).toBe(s.uid);
                expect(entry).toBeDefined();
                expect(entry!.version).toBeGreaterThanOrEqual(mustReflect.get(s.uid)!);
              }
              // Usefulness: a current acceptance is used.
              expect(got !== undefined).toBe(current);
              if (!current) remembered.delete(`${s.uid} ${s.secret}`);
              break;
            }
          }
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps no acceptance past its own end (an expiring key) or the time to live', () => {
    let now = 1_000;
    const changes = new CredentialChanges();
    changes.listening();
    const accepted = new AcceptedCredentials(changes, { ttlMs: 60_000, now: () => now });
    accepted.remember('uid 2', 'key', 2, accepted.stamp(), now + 5_000);
    accepted.remember('uid 3', 'password', 3, accepted.stamp());
    now += 4_999;
    expect(accepted.acceptedUid('uid 2', 'key')).toBe(2);
    now += 1;
    expect(accepted.acceptedUid('uid 2', 'key')).toBeUndefined();
    expect(accepted.acceptedUid('uid 3', 'password')).toBe(3);
    now += 55_000;
    expect(accepted.acceptedUid('uid 3', 'password')).toBeUndefined();
    // Under another scope or secret nothing is found.
    accepted.remember('uid 3', 'password', 3, accepted.stamp());
    expect(accepted.acceptedUid('bearer', 'password')).toBeUndefined();
    expect(accepted.acceptedUid('uid 3', 'Password')).toBeUndefined();
  });

  it('stays bounded in memory', () => {
    const changes = new CredentialChanges();
    changes.listening();
    const accepted = new AcceptedCredentials(changes, { maxEntries: 100 });
    for (let i = 0; i < 1000; i++) accepted.remember(`uid ${i}`, 'secret', i, accepted.stamp());
    expect(accepted.size).toBe(100);
    expect(accepted.acceptedUid('uid 999', 'secret')).toBe(999);
    expect(accepted.acceptedUid('uid 0', 'secret')).toBeUndefined();
  });
});
