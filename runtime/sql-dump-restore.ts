import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

export interface RestoreProgress {
  bytesDone: number;
  bytesTotal: number;
}

/**
 * Restores a plain-SQL `pg_dump` (gzip) through one pg connection, without `psql`.
 *
 * Everything between two `COPY … FROM stdin;` blocks is sent as one simple-protocol query
 * (PostgreSQL runs the statements in order), so no SQL parsing is needed; COPY data is
 * streamed with pg-copy-streams. COPY's text format escapes newlines, so a data row is
 * always exactly one line.
 */
export async function restoreSqlDump(
  client: ClientBase,
  dumpPath: string,
  onProgress: (progress: RestoreProgress) => void = () => {},
): Promise<void> {
  const bytesTotal = await gzipUncompressedSize(dumpPath);
  const gunzip = createGunzip();
  let bytesDone = 0;
  gunzip.on('data', (chunk: Buffer) => {
    bytesDone += chunk.length;
  });
  const lines = createInterface({ input: createReadStream(dumpPath).pipe(gunzip), crlfDelay: Infinity });

  let statements: string[] = [];
  let copy: CopyWriter | undefined;
  let lastReport = 0;
  for await (const line of lines) {
    if (copy) {
      if (line === '\\.') {
        await copy.finish();
        copy = undefined;
      } else {
        await copy.write(line);
      }
    } else if (/^COPY .* FROM stdin;$/.test(line)) {
      await runStatements(client, statements);
      statements = [];
      copy = new CopyWriter(client, line);
    } else if (!isBetweenStatements(statements) || !isCommentOrMetaCommand(line)) {
      statements.push(line);
    }
    if (bytesDone - lastReport > 256 * 1024) {
      lastReport = bytesDone;
      onProgress({ bytesDone, bytesTotal });
    }
  }
  if (copy) throw new Error(`${dumpPath} ends inside a COPY block`);
  await runStatements(client, statements);
  onProgress({ bytesDone: bytesTotal, bytesTotal });
}

function isBetweenStatements(lines: string[]): boolean {
  return lines.length === 0 || lines[lines.length - 1]!.trimEnd().endsWith(';');
}

/** Blank lines, `--` comments and psql meta-commands (`\restrict` in recent dumps) mean nothing to the server. */
function isCommentOrMetaCommand(line: string): boolean {
  return line === '' || line.startsWith('--') || line.startsWith('\\');
}

async function runStatements(client: ClientBase, lines: string[]): Promise<void> {
  if (lines.length) await client.query(lines.join('\n'));
}

/** Buffers rows into large writes: one socket write per row would dominate the restore time. */
class CopyWriter {
  private readonly stream;
  private readonly done: Promise<void>;
  private buffer: string[] = [];
  private buffered = 0;

  constructor(client: ClientBase, statement: string) {
    this.stream = client.query(copyFrom(statement));
    this.done = new Promise((resolve, reject) => {
      this.stream.on('finish', resolve);
      this.stream.on('error', reject);
    });
    // Surface a failed COPY at finish() rather than as an unhandled rejection.
    this.done.catch(() => {});
  }

  async write(row: string): Promise<void> {
    this.buffer.push(row, '\n');
    this.buffered += row.length + 1;
    if (this.buffered >= 256 * 1024) await this.flush();
  }

  async finish(): Promise<void> {
    await this.flush();
    this.stream.end();
    await this.done;
  }

  private async flush(): Promise<void> {
    if (!this.buffered) return;
    const ok = this.stream.write(this.buffer.join(''));
    this.buffer = [];
    this.buffered = 0;
    if (!ok) await new Promise<void>((resolve) => this.stream.once('drain', () => resolve()));
  }
}

/** gzip's trailer holds the uncompressed size modulo 2^32: enough for a progress bar. */
async function gzipUncompressedSize(file: string): Promise<number> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const trailer = Buffer.alloc(4);
    await handle.read(trailer, 0, 4, size - 4);
    return trailer.readUInt32LE(0);
  } finally {
    await handle.close();
  }
}
