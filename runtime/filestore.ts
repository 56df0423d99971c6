import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Unpacks an Odoo filestore archive (attachment files: avatars, images) into `targetDir`,
 * once. The archive's top folder (Odoo names it after the database) is dropped, so the files
 * land as `<targetDir>/<2 hex>/<sha1>`, where `ir_attachment.store_fname` points.
 */
export async function ensureFilestore(archive: string, targetDir: string): Promise<string> {
  if (existsSync(targetDir)) return targetDir;
  const staging = `${targetDir}.unpacking`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  await run('tar', ['-xzf', archive, '-C', staging]);
  const top = await singleTopFolder(staging);
  await mkdir(path.dirname(targetDir), { recursive: true });
  await rename(top ?? staging, targetDir);
  await rm(staging, { recursive: true, force: true });
  return targetDir;
}

/** `hp_legacy/1c/…` has one top folder named after the database; `./b1/…` has none. */
async function singleTopFolder(dir: string): Promise<string | undefined> {
  const { readdir } = await import('node:fs/promises');
  const entries = await readdir(dir, { withFileTypes: true });
  const only = entries.length === 1 ? entries[0] : undefined;
  if (only?.isDirectory() && !/^[0-9a-f]{2}$/.test(only.name)) return path.join(dir, only.name);
  return undefined;
}
