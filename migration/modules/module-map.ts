/**
 * The one hand-kept part of the module registry: which Odoo addon is which platform module
 * (M01–M20, from the legacy README's module table) and which service takes it over
 * (DESIGN.md §5 seed map). Everything else — models, tables, references — is read from the
 * legacy database by registry.ts, so a new model in an addon needs no edit here.
 */
export const SERVICES = ['auth', 'user', 'dynamic', 'trade', 'content', 'biz', 'ec', 'finance', 'ops', 'ai'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface ModuleDefinition {
  /** Platform module code, `M01` … `M20`. */
  code: string;
  /** Odoo addon technical name (`ir_module_module.name`). */
  technicalName: string;
  title: string;
  service: ServiceName;
}

export const MODULE_MAP: readonly ModuleDefinition[] = [
  { code: 'M01', technicalName: 'hp_account', title: 'Unified Account & Permission Center', service: 'auth' },
  { code: 'M02', technicalName: 'hp_personal', title: 'Personal Center', service: 'user' },
  { code: 'M03', technicalName: 'hp_workbench', title: 'B-end Workbench', service: 'biz' },
  { code: 'M04', technicalName: 'hp_marketplace', title: 'Health Service Marketplace', service: 'trade' },
  { code: 'M05', technicalName: 'hp_growth', title: 'Growth & Certification', service: 'ops' },
  { code: 'M06', technicalName: 'hp_knowledge', title: 'Paid Content', service: 'content' },
  { code: 'M07', technicalName: 'hp_live', title: 'Live Monetization', service: 'biz' },
  { code: 'M08', technicalName: 'hp_community_biz', title: 'Community Monetization', service: 'biz' },
  { code: 'M09', technicalName: 'hp_mall', title: 'Health E-commerce', service: 'ec' },
  { code: 'M10', technicalName: 'hp_ads', title: 'Advertising', service: 'ec' },
  { code: 'M11', technicalName: 'hp_community', title: 'Health Community', service: 'content' },
  { code: 'M12', technicalName: 'hp_qa', title: 'Q&A', service: 'content' },
  { code: 'M13', technicalName: 'hp_payment', title: 'Payment & Clearing', service: 'finance' },
  { code: 'M14', technicalName: 'hp_points', title: 'Points', service: 'finance' },
  { code: 'M15', technicalName: 'hp_gift', title: 'Gift Marketplace', service: 'finance' },
  { code: 'M16', technicalName: 'hp_ai', title: 'AI Empowerment', service: 'ai' },
  { code: 'M17', technicalName: 'hp_operations', title: 'Platform Operations', service: 'ops' },
  { code: 'M18', technicalName: 'hp_risk', title: 'Compliance & Risk', service: 'ops' },
  { code: 'M19', technicalName: 'hp_feed', title: 'Activity Feed', service: 'dynamic' },
  { code: 'M20', technicalName: 'hp_grab', title: 'Order Grabbing', service: 'trade' },
];

/** `M4`, `m04`, `M04` or `hp_marketplace` → the module's definition; undefined when unknown. */
export function findModuleDefinition(nameOrCode: string): ModuleDefinition | undefined {
  const text = nameOrCode.trim();
  const code = /^m0*(\d{1,2})$/i.exec(text);
  if (code) {
    const wanted = `M${code[1]!.padStart(2, '0')}`;
    return MODULE_MAP.find((m) => m.code === wanted);
  }
  return MODULE_MAP.find((m) => m.technicalName === text);
}

export function modulesOfService(service: ServiceName): ModuleDefinition[] {
  return MODULE_MAP.filter((m) => m.service === service);
}
