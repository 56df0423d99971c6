import { describe, expect, it } from 'vitest';
import { pageFromList } from '../../../services/dynamic/domain/feed-list.ts';
import { FeedMemory, LIST_DEPTH, type ListedEntry } from '../../../services/dynamic/domain/feed-memory.ts';
import type { ActivityView } from '../../../services/dynamic/domain/feed-page.ts';
import { DEFAULT_PREFERENCES } from '../../../services/dynamic/domain/preferences.ts';

const at = (second: number) => `2026-12-06 18:00:${String(second).padStart(2, '0')}`;
const entry = (entryId: number, second: number, activityId = entryId): ListedEntry => ({ entryId, activityId, seen: false, score: 1, position: at(second) });
const view = (id: number, actorId: number, visibility = 'public', verb = 'posted'): ActivityView => ({ id, actorId, verb, objectModel: null, objectId: null, summary: `a${id}`, visibility, createdAt: null });
const tags = (generation: string, userEpoch = 0n) => ({ removalEpoch: 5n, userEpoch, generation });

describe('feed memory (domain/feed-memory.ts)', () => {
  it('a list loaded while entries were appended keeps them: appends since the mark are added in order, once', () => {
    const memory = new FeedMemory();
    expect(memory.adopt(5n)).toBe(true);
    const mark = memory.appendMark(7);
    memory.append(7, [entry(12, 3)], 'g1', 0n); // committed after the load's snapshot
    memory.append(7, [entry(11, 2)], 'g2', 0n); // committed before it: the load has it too
    memory.storeList(7, { ...tags('g0'), entries: [entry(11, 2), entry(10, 1)], complete: true }, mark);
    const list = memory.list(7, tags('g2'))!;
    expect(list.entries.map((e) => e.entryId)).toEqual([12, 11, 10]);
    // Served under any generation it took in, never under one it did not (another process's append).
    expect(memory.list(7, tags('g0'))).toBeDefined();
    expect(memory.list(7, tags('from another process'))).toBeUndefined();
    memory.append(7, [entry(13, 4)], 'g3', 0n);
    expect(memory.list(7, tags('g3'))!.entries.map((e) => e.entryId)).toEqual([13, 12, 11, 10]);
  });

  it('drops a list whose user epoch differs from the one an append was recorded under, and keeps none loaded across such an append', () => {
    const memory = new FeedMemory();
    memory.adopt(5n);
    memory.storeList(7, { ...tags('g0'), entries: [entry(10, 1)], complete: true }, memory.appendMark(7));
    expect(memory.list(7, tags('g0'))).toBeDefined();
    memory.append(7, [entry(11, 2)], 'g1', 1n); // an entry of theirs changed or went since the list was loaded
    expect(memory.list(7, tags('g1'))).toBeUndefined();
    expect(memory.list(7, tags('g1', 1n))).toBeUndefined();
    const mark = memory.appendMark(7);
    memory.append(7, [entry(12, 3)], 'g2', 2n);
    memory.storeList(7, { ...tags('g1', 1n), entries: [entry(11, 2), entry(10, 1)], complete: true }, mark);
    expect(memory.list(7, tags('g2', 1n))).toBeUndefined();
  });

  it('a newer removal epoch empties memory; a read with an older one may not use it', () => {
    const memory = new FeedMemory();
    memory.adopt(5n);
    memory.rememberActivities(5n, [view(1, 6)]);
    memory.storeList(7, { ...tags('g0'), entries: [entry(10, 1, 1)], complete: true }, memory.appendMark(7));
    expect(memory.adopt(4n)).toBe(false);
    expect(memory.activity(1)).toBeDefined();
    expect(memory.adopt(6n)).toBe(true);
    expect(memory.activity(1)).toBeUndefined();
    expect(memory.list(7, { ...tags('g0'), removalEpoch: 6n })).toBeUndefined();
    memory.rememberActivities(5n, [view(2, 6)]); // read under the old epoch: not kept
    expect(memory.activity(2)).toBeUndefined();
  });

  it('cuts a list at LIST_DEPTH and then knows it is not the whole feed', () => {
    const memory = new FeedMemory();
    memory.adopt(5n);
    memory.storeList(7, { ...tags('g0'), entries: Array.from({ length: LIST_DEPTH }, (_, i) => entry(LIST_DEPTH - i, 0)), complete: true }, memory.appendMark(7));
    memory.append(7, [entry(1000, 59)], 'g1', 0n);
    const list = memory.list(7, tags('g1'))!;
    expect(list.entries.length).toBe(LIST_DEPTH);
    expect(list.entries[0]!.entryId).toBe(1000);
    expect(list.complete).toBe(false);
  });
});

describe('a page from a list (domain/feed-list.ts) filters as the page statement does', () => {
  const views = new Map([view(1, 6), view(2, 8, 'private'), view(3, 7, 'private'), view(4, 9), view(5, 9, 'public', 'commented'), view(6, 6, 'followers')].map((v) => [v.id, v]));
  const list = { entries: [entry(16, 9, 6), entry(15, 8, 5), entry(14, 7, 4), entry(13, 6, 3), entry(12, 5, 2), entry(11, 4, 1), entry(10, 3, 99)], complete: true };
  const page = (request: Partial<Parameters<typeof pageFromList>[2]>, from = list) =>
    pageFromList(from, (id) => views.get(id), { userId: 7, limit: 10, after: null, preferences: DEFAULT_PREFERENCES, ...request });

  it('leaves out other users\' private activities, activities gone and mutes; pages with a cursor', () => {
    expect(page({})!.items.map((i) => i.activity.id)).toEqual([6, 5, 4, 3, 1]);
    expect(page({ preferences: { ...DEFAULT_PREFERENCES, mutedActorIds: [9], verbWeights: {} } })!.items.map((i) => i.activity.id)).toEqual([6, 3, 1]);
    expect(page({ preferences: { ...DEFAULT_PREFERENCES, verbWeights: { commented: 0 } } })!.items.map((i) => i.activity.id)).toEqual([6, 4, 3, 1]);
    const first = page({ limit: 2 })!;
    expect(first.items.map((i) => i.entryId)).toEqual([16, 15]);
    expect(first.next).toEqual({ key: at(8), id: 15 });
    const second = page({ limit: 2, after: first.next })!;
    expect(second.items.map((i) => i.entryId)).toEqual([14, 13]);
    expect(page({ limit: 2, after: { key: at(5), id: 12 } })).toEqual({ items: [expect.objectContaining({ entryId: 11 })], next: null });
  });

  it('cannot answer past the end of a cut list: the page statement must', () => {
    expect(page({ limit: 4 }, { ...list, complete: false })).toBeDefined(); // four to show, and a fifth tells there is more
    expect(page({ limit: 5 }, { ...list, complete: false })).toBeUndefined();
  });
});
