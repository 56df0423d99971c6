import pg from 'pg';

/**
 * The session settings of every PostgreSQL connection a Ficus process opens: JIT compilation off,
 * unless the process says otherwise (a `jit` setting in PGOPTIONS, or a pool's own `options`).
 * node-postgres takes PGOPTIONS over its defaults, so a PGOPTIONS without `jit` gets it appended.
 *
 * The ORM's statements carry many sub-plans (record rules, ir.attachment's read check: one EXISTS
 * per model in a CASE), whose summed cost estimate passes PostgreSQL's jit_above_cost although
 * they touch a few rows. On a server built with LLVM, an admin's `ir.attachment.search([])`
 * spent 35 s of its 35.3 s compiling 3,253 functions (measured on PostgreSQL 15, auto_explain);
 * Odoo's simpler statement takes 20 ms there. Ficus's workload is short statements: JIT never pays.
 */
export function usePostgresSessionDefaults(): void {
  const given = process.env.PGOPTIONS;
  if (given) {
    if (!/\bjit\s*=/.test(given)) process.env.PGOPTIONS = `${given} -c jit=off`;
    return;
  }
  pg.defaults.options ??= '-c jit=off';
}
