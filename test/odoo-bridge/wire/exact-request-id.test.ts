import { describe, expect, it } from 'vitest';
import { exactRequestId } from '../../../odoo-bridge/wire/json/exact-request-id.ts';
import { PythonFloat } from '../../../odoo-bridge/wire/xmlrpc/values.ts';

/** The id as JSON.parse reads it, then as Python's json.loads would give it back. */
const idOf = (text: string) => exactRequestId(text, (JSON.parse(text) as { id: unknown }).id);

describe('the JSON-RPC id as Python reads it', () => {
  it('keeps an integer beyond 2^53 exact, at either end of the body', () => {
    expect(idOf('{"jsonrpc": "2.0", "params": {}, "id": 12345678901234567890}')).toBe(12345678901234567890n);
    expect(idOf('{"id": -98765432109876543210, "params": {"domain": [["id", ">", 1]]}}')).toBe(-98765432109876543210n);
    expect(idOf('{"id": 9007199254740993}')).toBe(9007199254740993n);
  });

  it('keeps a number written as a float a float', () => {
    expect(idOf('{"params": {}, "id": 20.0}')).toEqual(new PythonFloat(20));
    expect(idOf('{"id": 1e3, "params": {}}')).toEqual(new PythonFloat(1000));
    expect(idOf('{"id": 2.5}')).toBe(2.5);
  });

  it('answers JSON.parse\'s value when the id is spelled as JavaScript spells it', () => {
    expect(idOf('{"id": 7, "params": {"id": 7.0, "args": [{"id": 1e400}]}}')).toBe(7);
    expect(idOf('{"jsonrpc": "2.0", "id": "12345678901234567890"}')).toBe('12345678901234567890');
    expect(idOf('{"id": null}')).toBe(null);
  });

  it('reads the top-level member, not a nested one, and the last of duplicates as both parsers do', () => {
    expect(idOf('{"params": {"id": 3.0}, "id": 3}')).toBe(3);
    expect(idOf('{"id": 4, "params": {"x": "\\"id\\": 4.0"}, "id": 4.0}')).toEqual(new PythonFloat(4));
    expect(idOf('{"\\u0069d": 5.0, "params": {}}')).toEqual(new PythonFloat(5));
  });
});
