import type { AccessMode } from '../access-policy.ts';

/**
 * A record rule the code declares beside the database's `ir_rule` rows, as an Odoo module's data
 * file adds one on install: a service closing a hole the monolith leaves open (SERVICES.md §6)
 * declares the rule Odoo lacks, and every access decision of this process (every engine, every
 * REST access port) evaluates it with the database's own rules — global rules ANDed, group rules
 * ORed — on every protocol and in both phases of the model's module.
 */
export interface DeclaredRecordRule {
  /** Shown where Odoo shows a rule's name (a record-rule error to a debug-mode user). */
  readonly name: string;
  readonly model: string;
  /** The domain as Odoo's `domain_force` text, evaluated with `user`, `company_ids`, `time`…. */
  readonly domain: string;
  /** The groups' xml ids (`module.name`); empty for a global rule. */
  readonly groups: readonly string[];
  /** Default: all four, as a new `ir.rule`. */
  readonly modes?: readonly AccessMode[];
}

const declared = new Map<string, DeclaredRecordRule>();

/** Adds rules for every access policy of this process; declaring the same rule (model and name) again replaces it. */
export function declareRecordRules(rules: readonly DeclaredRecordRule[]): void {
  for (const rule of rules) declared.set(`${rule.model}\0${rule.name}`, rule);
}

/** The declared rules, in declaration order. */
export function declaredRecordRules(): readonly DeclaredRecordRule[] {
  return [...declared.values()];
}
