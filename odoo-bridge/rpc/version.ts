/**
 * What Ficus says it is: Odoo 18.0 community, exactly as `common.version()` of the recorded
 * server (clients such as odoorpc and odooly parse `server_version` to pick code paths).
 */
export const SERVER_VERSION = '18.0';

export const VERSION_INFO = {
  server_version: SERVER_VERSION,
  server_version_info: [18, 0, 0, 'final', 0, ''],
  server_serie: '18.0',
  protocol_version: 1,
} as const;

/** `common.about()`: Odoo still answers with OpenERP's old address. */
export const ABOUT_TEXT = 'See http://openerp.com';
