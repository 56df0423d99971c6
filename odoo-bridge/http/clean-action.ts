import { keyError, OdooError, valueError } from '../errors.ts';
import { pythonTruthy } from '../wire/python-values.ts';

/**
 * web's utils.py `clean_action` of an action a button returned (`/web/dataset/call_button`): a
 * dict without `type` closes the dialog (`ir.actions.act_window_close`), and a window action
 * without `views` gets them from `view_mode` and `view_id` (`generate_views`), which the web
 * client needs. Keys the action model does not declare are kept, as Odoo keeps them.
 */
export function cleanButtonAction(action: Record<string, unknown>): Record<string, unknown> {
  const cleaned: Record<string, unknown> = { ...action };
  if (!Object.hasOwn(cleaned, 'type')) cleaned.type = 'ir.actions.act_window_close';
  if (cleaned.type === 'ir.actions.act_window' && !pythonTruthy(cleaned.views)) cleaned.views = generateViews(cleaned);
  return cleaned;
}

/** `generate_views`: several view modes without a view id, or one mode with an optional view id. */
function generateViews(action: Record<string, unknown>): [unknown, string][] {
  let viewId: unknown = pythonTruthy(action.view_id) ? action.view_id : false;
  if (Array.isArray(viewId)) viewId = viewId[0];
  if (!Object.hasOwn(action, 'view_mode')) throw keyError('view_mode');
  const viewMode = action.view_mode;
  if (typeof viewMode !== 'string') throw new OdooError('builtins.AttributeError', `'${viewMode === null ? 'NoneType' : typeof viewMode === 'number' ? 'int' : typeof viewMode === 'boolean' ? 'bool' : Array.isArray(viewMode) ? 'list' : 'dict'}' object has no attribute 'split'`);
  const modes = viewMode.split(',');
  if (modes.length > 1) {
    if (pythonTruthy(viewId)) throw valueError(`Non-db action dictionaries should provide either multiple view modes or a single view mode and an optional view id.\n\n Got view modes ${JSON.stringify(modes)} and view id ${String(viewId)} for action`);
    return modes.map((mode) => [false, mode]);
  }
  return [[viewId, modes[0]!]];
}
