import { PgoutputPlugin, type Pgoutput } from 'pg-logical-replication';

const rawText = (value: string): string => value;

/**
 * pgoutput, with every column value left as PostgreSQL's text output. The library parses tuples
 * with node-postgres's global type parsers, which turn `timestamp` into a JS Date (milliseconds,
 * process time zone) and would make us touch process-wide parser settings. Parsing happens when a
 * message arrives, in order, so replacing a relation's parsers while parsing that relation
 * message takes effect before any tuple of it is read.
 */
export class RawPgoutputPlugin extends PgoutputPlugin {
  override parse(buffer: Buffer): Pgoutput.Message {
    const message = super.parse(buffer);
    if (message.tag === 'relation') for (const column of message.columns) column.parser = rawText;
    return message;
  }
}
