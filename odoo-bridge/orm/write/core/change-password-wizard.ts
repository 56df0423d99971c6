import { valueError } from '../../../errors.ts';
import type { CallContext } from '../../call-context.ts';
import { idsOf, type MethodSpec } from '../../methods/method.ts';
import type { ModelInfo } from '../../registry/types.ts';
import type { BehaviourRegistry } from '../behaviour-registry.ts';
import { updateRecords } from '../record-writes.ts';
import { inTransaction } from '../transaction.ts';
import { checkExist, checkRules, recordsetRepr, type WriteEnv } from '../write-env.ts';
import { changeUserPassword } from './res-users-change-password.ts';

/**
 * The users list's "Change Password" wizard (base/models/res_users.py, 18.0):
 * - `change.password.user.change_password_button`: for each line with a new password,
 *   `line.user_id._change_password(new_passwd)` — stripped, blank refused, written as the caller
 *   (their right to write users applies) — then the lines' `new_passwd` emptied, so temporary
 *   passwords do not stay in the database;
 * - `change.password.wizard.change_password_button`: one wizard (`ensure_one`), its lines' button,
 *   then `{'type': 'ir.actions.client', 'tag': 'reload'}` when the caller changed their own
 *   password (their session expires), else `{'type': 'ir.actions.act_window_close'}`.
 * The lines are read as the caller (read right and rules), as `self.user_ids` does.
 */
interface Line {
  readonly id: number;
  readonly user_id: number;
  readonly new_passwd: string | null;
}

async function readLines(w: WriteEnv, lineModel: ModelInfo, where: 'id' | 'wizard_id', ids: readonly number[]): Promise<Line[]> {
  w.ctx.access.checkModel(lineModel, 'read');
  const { rows } = await w.ctx.db.query<Line>(`SELECT id, user_id, new_passwd FROM change_password_user WHERE ${where} = ANY($1::int4[]) ORDER BY id`, [ids]);
  await checkRules(w, lineModel, 'read', rows.map((r) => r.id));
  return rows;
}

async function changeLinesPasswords(w: WriteEnv, lineModel: ModelInfo, lines: readonly Line[]): Promise<void> {
  const users = w.ctx.registry.model('res.users')!;
  for (const line of lines) {
    if (line.new_passwd) await changeUserPassword(w, users, line.user_id, line.new_passwd, { checkAccess: true });
  }
  if (lines.length) await updateRecords(w, lineModel, lines.map((l) => l.id), { new_passwd: false });
}

function lineButton(behaviours: BehaviourRegistry): MethodSpec {
  return {
    api: 'records',
    signature: { qualname: 'ChangePasswordUser.change_password_button', params: [] },
    run: (ctx, model, _a, ids) =>
      inTransaction(ctx, async (tx) => {
        const w: WriteEnv = { ctx: tx, behaviours };
        const wanted = idsOf(ids);
        await checkExist(w, model, wanted);
        await changeLinesPasswords(w, model, await readLines(w, model, 'id', wanted));
        return null; // the Python method returns None
      }),
  };
}

function wizardButton(behaviours: BehaviourRegistry): MethodSpec {
  return {
    api: 'records',
    signature: { qualname: 'ChangePasswordWizard.change_password_button', params: [] },
    run: (ctx: CallContext, model, _a, ids) =>
      inTransaction(ctx, async (tx) => {
        const w: WriteEnv = { ctx: tx, behaviours };
        const wizards = idsOf(ids);
        if (wizards.length !== 1) throw valueError(`Expected singleton: ${recordsetRepr(model.name, wizards)}`);
        await checkExist(w, model, wizards);
        const lineModel = tx.registry.model('change.password.user')!;
        const lines = await readLines(w, lineModel, 'wizard_id', wizards);
        await changeLinesPasswords(w, lineModel, lines);
        return lines.some((line) => line.user_id === tx.uid) ? { type: 'ir.actions.client', tag: 'reload' } : { type: 'ir.actions.act_window_close' };
      }),
  };
}

export function registerChangePasswordWizard(behaviours: BehaviourRegistry): void {
  behaviours.register('change.password.wizard', { methods: { change_password_button: wizardButton(behaviours) } });
  behaviours.register('change.password.user', { methods: { change_password_button: lineButton(behaviours) } });
}
