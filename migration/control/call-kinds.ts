/**
 * ORM methods that only read. Everything else (create, write, unlink, copy, name_create,
 * action_* and any other business method) may write, so it is held during a freeze, sent to
 * one side only in shadow, and never compared. Unknown methods count as writes: holding a read
 * for a moment is harmless, sending a write twice is not.
 */
const READ_METHODS = new Set([
  'read', 'search', 'search_read', 'search_count', 'search_fetch', 'fetch', 'name_search', 'name_get',
  'read_group', 'fields_get', 'default_get', 'check_access_rights', 'check_access_rule', 'has_access',
  'check_access', 'check_field_access_rights', 'web_search_read', 'web_read', 'web_read_group',
  'get_views', 'load_views', 'fields_view_get', 'exists', 'get_formview_id', 'onchange',
]);

export function isReadMethod(method: string): boolean {
  return READ_METHODS.has(method);
}
