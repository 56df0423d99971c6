import { expect } from 'vitest';

/**
 * The scripted flow every Odoo client library must get through unchanged, as member001 of the
 * legacy database: login, version, search_read with a domain, read, create, write, unlink,
 * fields_get, name_search, and an access error. Each library adapts its own calls to `FlowClient`.
 */
export interface FlowClient {
  login(): Promise<number>;
  version(): Promise<{ server_version: string }>;
  searchRead(model: string, domain: unknown[], fields: string[]): Promise<Record<string, unknown>[]>;
  read(model: string, ids: number[], fields: string[]): Promise<Record<string, unknown>[]>;
  create(model: string, values: Record<string, unknown>): Promise<number>;
  write(model: string, id: number, values: Record<string, unknown>): Promise<unknown>;
  unlink(model: string, id: number): Promise<unknown>;
  fieldsGet(model: string): Promise<Record<string, { type: string }>>;
  nameSearch(model: string, name: string): Promise<[number, string][]>;
  /** Any call; resolves with the error text the library surfaces, or rejects if it succeeded. */
  failingCall(model: string, method: string, args: unknown[]): Promise<string>;
}

export const MEMBER = { login: 'member001@hp.example', password: 'member001@hp.example', uid: 6, name: 'Wei Wu' };

export async function runClientFlow(client: FlowClient, tag: string): Promise<void> {
  expect(await client.login()).toBe(MEMBER.uid);
  expect((await client.version()).server_version).toBe('18.0');

  const own = await client.searchRead('hp.device.binding', [['user_id', '=', MEMBER.uid]], ['serial', 'device_type', 'user_id']);
  for (const row of own) expect(row.user_id).toEqual([MEMBER.uid, MEMBER.name]);
  // The record rule hides every other member's devices, whatever the domain asks for.
  const anyone = await client.searchRead('hp.device.binding', [['user_id', '!=', MEMBER.uid]], ['user_id']);
  expect(anyone).toEqual([]);

  const serial = `FICUS-${tag}-${Date.now()}`;
  const id = await client.create('hp.device.binding', { user_id: MEMBER.uid, device_type: 'watch', vendor: 'Ficus', serial });
  expect(typeof id).toBe('number');
  const [created] = await client.read('hp.device.binding', [id], ['serial', 'vendor', 'device_type', 'active']);
  expect(created).toMatchObject({ id, serial, vendor: 'Ficus', device_type: 'watch', active: true });

  expect(await client.write('hp.device.binding', id, { vendor: 'Ficus Labs' })).toBe(true);
  expect((await client.read('hp.device.binding', [id], ['vendor']))[0]?.vendor).toBe('Ficus Labs');

  expect(await client.unlink('hp.device.binding', id)).toBe(true);
  expect(await client.searchRead('hp.device.binding', [['serial', '=', serial]], ['id'])).toEqual([]);

  const fields = await client.fieldsGet('hp.device.binding');
  expect(fields.device_type?.type).toBe('selection');
  expect(fields.user_id?.type).toBe('many2one');

  const found = await client.nameSearch('res.partner', 'Wei Wu');
  expect(found.some(([, name]) => name.includes('Wei Wu'))).toBe(true);

  const denied = await client.failingCall('hp.risk.rule', 'search_read', [[]]);
  expect(denied).toMatch(/You are not allowed to access/);
}
