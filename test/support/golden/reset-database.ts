/**
 * The golden replayer's `--reset-cmd`: puts a served database back to pristine by dropping it
 * (closing every connection to it) and copying it again from its template.
 * Usage: node --import tsx reset-database.ts ADMIN_URL DATABASE TEMPLATE
 */
import pg from 'pg';
import { quoteIdent } from '../../../platform/quote-ident.ts';

const [adminUrl, database, template] = process.argv.slice(2);
if (!adminUrl || !database || !template) {
  console.error('usage: reset-database.ts ADMIN_URL DATABASE TEMPLATE');
  process.exit(2);
}
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
try {
  await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${quoteIdent(database)} TEMPLATE ${quoteIdent(template)} STRATEGY FILE_COPY`);
} finally {
  await admin.end();
}
