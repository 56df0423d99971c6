import { sanitizeHtml } from '../../../odoo-bridge/orm/index.ts';

/**
 * Bodies of posts, comments, questions and answers over REST. The addons declare them
 * `fields.Text` (stored as given, never sanitised), but issue 23 asks for HTML sanitised as
 * Odoo's `fields.Html` does (sanitize=True's defaults: scripts, frames, styles blocks, `on*`
 * attributes and `javascript:` URLs removed, the rest re-serialised as lxml writes it). So:
 * - a REST write stores the sanitised HTML in the Text column (what an RPC client then reads);
 * - a REST read answers the stored text sanitised again: a body written raw by an Odoo client
 *   or the monolith (plain text, or markup nobody cleaned) never reaches a REST client unclean.
 *   Sanitising is idempotent on what a REST write stored;
 * - Odoo RPC writes and reads stay Odoo's (Text, as given), so legacy clients see no change.
 */
export function sanitizedBody(html: string | null | undefined): string | null {
  if (html === null || html === undefined) return null;
  return sanitizeHtml(html);
}
