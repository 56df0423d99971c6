import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDateValue } from '../../../services/user/domain/fhir/date-search.ts';
import { FhirSearchError, parsePatientReference, parseSearch, parseToken, splitValues, tokenMatches } from '../../../services/user/domain/fhir/search-params.ts';
import { observationConcept, OBSERVATION_CONCEPTS, ucumOf } from '../../../services/user/domain/fhir/terminology.ts';
import { fhirString } from '../../../services/user/domain/fhir/text.ts';

const refusal = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(FhirSearchError);
    return (error as FhirSearchError).issue;
  }
  throw new Error('not refused');
};

describe('FHIR search parameters (pure)', () => {
  it('a repeated parameter is AND (one entry per occurrence), a comma OR; escapes are undone', () => {
    const request = parseSearch({ code: ['a,b', 'c'], date: 'ge2026', other: 'x', _count: '5', _offset: '10' }, new Set(['code', 'date']), { strict: false });
    expect([...request.params]).toEqual([['code', [['a', 'b'], ['c']]], ['date', [['ge2026']]]]);
    expect([request.count, request.offset, request.ignored]).toEqual([5, 10, ['other']]);
    expect(splitValues('a\\,b,c\\\\,d\\$')).toEqual(['a,b', 'c\\', 'd$']);
    expect(splitValues('http://loinc.org|8867-4')).toEqual(['http://loinc.org|8867-4']);
  });

  it('paging defaults to 50, caps _count at 200, _summary=count is the total only; bad paging, empty values, modifiers and (strict) unknown names are refused', () => {
    const supported = new Set(['code']);
    expect(parseSearch({}, supported, { strict: false })).toMatchObject({ count: 50, offset: 0 });
    expect(parseSearch({ _count: '100000' }, supported, { strict: false }).count).toBe(200);
    expect(parseSearch({ _summary: 'count', _count: '7' }, supported, { strict: false }).count).toBe(0);
    expect(parseSearch({ _format: 'json', _pretty: 'true' }, supported, { strict: true }).ignored).toEqual([]);
    expect(refusal(() => parseSearch({ _count: '-1' }, supported, { strict: false }))).toBe('invalid');
    expect(refusal(() => parseSearch({ _count: ['1', '2'] }, supported, { strict: false }))).toBe('invalid');
    expect(refusal(() => parseSearch({ code: 'a,' }, supported, { strict: false }))).toBe('invalid');
    expect(refusal(() => parseSearch({ 'code:not': 'a' }, supported, { strict: false }))).toBe('not-supported');
    expect(refusal(() => parseSearch({ 'subject:Group': '1' }, new Set(['subject']), { strict: false }))).toBe('not-supported');
    expect([...parseSearch({ 'subject:Patient': '6', subject: 'Patient/7' }, new Set(['subject']), { strict: false }).params]).toEqual([['subject', [['6'], ['Patient/7']]]]);
    expect(refusal(() => parseSearch({ _sort: 'date' }, supported, { strict: true }))).toBe('not-supported');
    expect(refusal(() => parseSearch({ code: { nested: 'x' } }, supported, { strict: false }))).toBe('invalid');
  });

  it('tokens and Patient references', () => {
    const loinc = { system: 'http://loinc.org', code: '8867-4' };
    expect(tokenMatches(parseToken('8867-4'), loinc)).toBe(true);
    expect(tokenMatches(parseToken('http://loinc.org|8867-4'), loinc)).toBe(true);
    expect(tokenMatches(parseToken('http://loinc.org|'), loinc)).toBe(true);
    expect(tokenMatches(parseToken('|8867-4'), loinc)).toBe(false);
    expect(tokenMatches(parseToken('http://snomed.info/sct|8867-4'), loinc)).toBe(false);
    expect(refusal(() => parseToken('|'))).toBe('invalid');
    expect(['6', 'Patient/6', 'https://fhir.example/base/Patient/6'].map((r) => parsePatientReference(r))).toEqual([6, 6, 6]);
    for (const bad of ['Practitioner/6', 'Patient/', 'Patient/0', 'Patient/abc', '99999999999', 'Patient/6/_history/1']) expect(refusal(() => parsePatientReference(bad))).toBe('invalid');
  });

  it('a date value is the range its precision covers, in UTC unless it names a zone (property: the range is that of the truncated text)', () => {
    expect(parseDateValue('2024-02')).toEqual({ prefix: 'eq', start: '2024-02-01 00:00:00.000000', end: '2024-03-01 00:00:00.000000' });
    expect(parseDateValue('le2024-02-29T23:59+14:00')).toEqual({ prefix: 'le', start: '2024-02-29 09:59:00.000000', end: '2024-02-29 10:00:00.000000' });
    expect(parseDateValue('9999-12-31').end).toBe('infinity');
    expect(parseDateValue('2026-01-01T00:00:00.5Z').end).toBe('2026-01-01 00:00:00.600000');
    for (const bad of ['2023-02-29', '2026-00', '2026-01-01T24:00', '2026-01-01T10:00+15:00', '0000', '2026-01-01T10:00:60Z', '2026-01-01T10:00:00.1234567Z']) {
      expect(refusal(() => parseDateValue(bad))).toBe('invalid');
    }
    const instant = fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9998-12-31T23:59:59Z'), noInvalidDate: true }); // 9999's end is "infinity", checked above
    fc.assert(
      fc.property(instant, fc.constantFrom(4, 7, 10, 16, 19, 23), (date, precision) => {
        const text = date.toISOString().slice(0, precision) + (precision > 10 ? 'Z' : '');
        const { start, end } = parseDateValue(text);
        const asMs = (t: string) => Date.parse(`${t.replace(' ', 'T').slice(0, 23)}Z`);
        // The range starts at the value's own text and holds exactly the instants that truncate to it.
        expect(new Date(asMs(start)).toISOString().slice(0, precision)).toBe(date.toISOString().slice(0, precision));
        expect(asMs(start)).toBeLessThanOrEqual(date.getTime());
        expect(date.getTime()).toBeLessThan(asMs(end));
        expect(new Date(asMs(end) - 1).toISOString().slice(0, precision)).toBe(date.toISOString().slice(0, precision));
        expect(new Date(asMs(end)).toISOString().slice(0, precision)).not.toBe(date.toISOString().slice(0, precision));
      }),
      { numRuns: 500 },
    );
  });
});

describe('terminology', () => {
  it('each record type of hp.health.record has a LOINC concept; glucose is told apart by unit; UCUM for the monolith\'s units', () => {
    const types = ['steps', 'heart_rate', 'blood_pressure', 'blood_glucose', 'weight', 'sleep_hours'] as const;
    expect(types.map((t) => observationConcept(t, null).code.code)).toEqual(['55423-8', '8867-4', '85354-9', '15074-8', '29463-7', '93832-4']);
    expect(observationConcept('blood_glucose', ' MG/DL ').code.code).toBe('2339-0');
    expect(observationConcept('blood_glucose', 'mmol/L').code.code).toBe('15074-8');
    expect(new Set(OBSERVATION_CONCEPTS.map((c) => c.code.system))).toEqual(new Set(['http://loinc.org']));
    const monolithUnits = { steps: 'steps', heart_rate: 'bpm', blood_glucose: 'mmol/L', weight: 'kg', sleep_hours: 'h' } as const;
    expect(Object.entries(monolithUnits).map(([t, u]) => (ucumOf(u, observationConcept(t as never, u)) as { code: string }).code)).toEqual(['{steps}', '/min', 'mmol/L', 'kg', 'h']);
    expect(ucumOf('furlongs', observationConcept('weight', 'furlongs'))).toEqual({ unit: 'furlongs' });
  });

  it('a FHIR string never holds whitespace other than space, CR, LF, tab, and is never blank', () => {
    expect(fhirString('a\u00a0b\fc\td')).toBe('a b c\td');
    expect([fhirString(' \u00a0 '), fhirString(''), fhirString(null)]).toEqual([undefined, undefined, undefined]);
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (text) => {
      const out = fhirString(text);
      if (out !== undefined) expect(out).toMatch(/^[ \r\n\t\S]+$/u);
    }));
  });
});
