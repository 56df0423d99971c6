import { describe, expect, it } from 'vitest';
import { judgeSample } from '../../../migration/offload/sample-verdict.ts';
import { readClassOf } from '../../../odoo-bridge/offload/read-class.ts';
import { OffloadBook } from '../../../migration/offload/offload-book.ts';

/** A side that answers from a list, one answer per ask, and counts the asks. */
function side(...answers: unknown[]) {
  let i = 0;
  const ask = async () => answers[Math.min(i++, answers.length - 1)];
  return Object.assign(ask, { asked: () => i });
}

const rows = (...records: Record<string, unknown>[]) => records;

describe("a sample's verdict (shadow's noise rule between Odoo and Ficus)", () => {
  it('the same answer is a match, asking each side once', async () => {
    const odoo = side();
    const ficus = side(rows({ id: 1, name: 'a' }));
    expect(await judgeSample(rows({ id: 1, name: 'a' }), 'odoo', { odoo, ficus })).toEqual({ outcome: 'match' });
    expect([odoo.asked(), ficus.asked()]).toEqual([0, 1]);
  });

  it('a row written between the answers is timing, not a difference', async () => {
    // Odoo answered before the insert, Ficus after it, and Odoo again after it too.
    const before = rows({ id: 2, name: 'b' }, { id: 1, name: 'a' });
    const after = rows({ id: 3, name: 'new' }, { id: 2, name: 'b' }, { id: 1, name: 'a' });
    expect(await judgeSample(before, 'odoo', { odoo: side(after), ficus: side(after) })).toEqual({ outcome: 'timing' });
  });

  it("a value that changed between Odoo's two answers is timing wherever Ficus shows either", async () => {
    const verdict = await judgeSample(rows({ id: 1, state: 'draft', seen: 1 }), 'odoo', {
      odoo: side(rows({ id: 1, state: 'done', seen: 2 })),
      ficus: side(rows({ id: 1, state: 'done', seen: 1 })),
    });
    expect(verdict).toEqual({ outcome: 'timing' });
  });

  it('a planted field survives every round and is a difference, named by path and field, without values', async () => {
    const odooRows = rows({ id: 7, name: 'Ann', city: 'Lyon' });
    const ficus = side(rows({ id: 7, name: 'Ann', city: 'LYON' }));
    const odoo = side(odooRows);
    const verdict = await judgeSample(odooRows, 'odoo', { odoo, ficus }, 3);
    expect(verdict).toEqual({ outcome: 'difference', differences: [{ kind: 'value', path: '[id=7].city', field: 'city' }] });
    expect(JSON.stringify(verdict)).not.toMatch(/Lyon|LYON/);
    expect([odoo.asked(), ficus.asked()]).toEqual([3, 3]);
  });

  it('a race resolved in a later round is timing', async () => {
    const verdict = await judgeSample(rows({ id: 1, v: 1 }), 'odoo', { odoo: side(rows({ id: 1, v: 1 }), rows({ id: 1, v: 2 })), ficus: side(rows({ id: 1, v: 9 }), rows({ id: 1, v: 2 })) });
    expect(verdict).toEqual({ outcome: 'timing' });
  });

  it('names missing and extra rows from Ficus side, whichever side answered the client', async () => {
    const odoo = rows({ id: 1 }, { id: 2 });
    const ficus = rows({ id: 1 });
    // learning: the client got Odoo's answer
    expect(await judgeSample(odoo, 'odoo', { odoo: side(odoo), ficus: side(ficus) })).toEqual({ outcome: 'difference', differences: [{ kind: 'missing', path: '[id=2]', field: null }] });
    // promoted: the client got Ficus's
    expect(await judgeSample(ficus, 'ficus', { odoo: side(odoo), ficus: side(ficus) })).toEqual({ outcome: 'difference', differences: [{ kind: 'missing', path: '[id=2]', field: null }] });
    expect(await judgeSample(odoo, 'ficus', { odoo: side(ficus), ficus: side(odoo) })).toEqual({ outcome: 'difference', differences: [{ kind: 'extra', path: '[id=2]', field: null }] });
  });

  it('an error where the other side answers is a difference; Odoo not answering again proves nothing', async () => {
    const error = { '(error)': { code: 200, name: 'odoo.exceptions.AccessError', message: 'no' } };
    expect(await judgeSample([1, 2], 'odoo', { odoo: side([1, 2]), ficus: side(error) })).toMatchObject({ outcome: 'difference', differences: [{ kind: 'value', path: '(answer)' }] });
    expect(await judgeSample(error, 'odoo', { odoo: side(error), ficus: side(error) })).toEqual({ outcome: 'match' });
    expect(await judgeSample([1], 'ficus', { odoo: side(undefined), ficus: side([1]) })).toEqual({ outcome: 'unverified' });
  });
});

describe("a gateway's book of classes", () => {
  const readClass = readClassOf({ database: 'hp_legacy', model: 'res.partner', method: 'read', fields: 'name', shape: 'load=_classic_read' });
  const row = (state: 'learning' | 'promoted' | 'demoted' | 'refused', generation: number) => ({ database: 'hp_legacy', model: 'res.partner', method: 'read', fields: 'name', shape: 'load=_classic_read', state, generation });

  it('never lets a re-read take a class back within a generation; a reset (new generation) does', () => {
    const book = new OffloadBook();
    const entry = book.entry(readClass)!;
    expect(entry.state).toBe('learning');
    expect(book.merge(row('promoted', 0))).toBe(entry);
    expect(book.settle(entry, 'demoted', 0)).toBe(true);
    expect(book.merge(row('promoted', 0))).toBeUndefined(); // a re-read that began before the demotion was stored
    expect(entry.state).toBe('demoted');
    expect(book.settle(entry, 'promoted', 0)).toBe(false);
    expect(book.merge(row('learning', 1))).toBe(entry); // ficus offload reset
    expect(entry).toMatchObject({ state: 'learning', generation: 1 });
    expect(book.settle(entry, 'demoted', 0)).toBe(false); // a verdict about the old generation
  });

  it('tracks at most maxClasses classes; the rest go to Odoo', () => {
    const book = new OffloadBook(1);
    expect(book.entry(readClass)).toBeDefined();
    expect(book.entry(readClassOf({ ...readClass, fields: 'email' }))).toBeUndefined();
    expect(book.byId(readClass.id)?.readClass.key).toBe(readClass.key);
  });
});
