import { keyError, OdooError } from '../../errors.ts';
import { pyRepr } from '../domain/python-repr.ts';
import type { MethodTable } from './method.ts';
import { READ_GROUP_METHODS } from './read-group.ts';

/** Python's `str()` of a group value, after `adapt` took a many2one pair's id. */
const pyStr = (value: unknown) => (typeof value === 'string' ? value : pyRepr(value));

/**
 * `read_progress_bar(domain, group_by, progress_bar)` (web/models/models.py): the kanban column
 * progress bars, counted by read_group over (group_by, progress_bar.field): for each group_by
 * value, every colour key of the bar with the number of records holding it.
 */
export const PROGRESS_BAR_METHODS: MethodTable = {
  read_progress_bar: {
    api: 'model',
    signature: { qualname: 'Base.read_progress_bar', params: [{ name: 'domain' }, { name: 'group_by' }, { name: 'progress_bar' }] },
    async run(ctx, model, a) {
      const bar = a.progress_bar;
      if (!bar || typeof bar !== 'object' || Array.isArray(bar)) throw new OdooError('builtins.TypeError', `'${Array.isArray(bar) ? 'list' : bar === null || bar === undefined ? 'NoneType' : typeof bar === 'string' ? 'str' : 'int'}' object is not subscriptable`);
      const { field, colors } = bar as { field?: unknown; colors?: unknown };
      if (field === undefined) throw keyError('field');
      const groups = (await READ_GROUP_METHODS.read_group!.run(ctx, model, { domain: a.domain, fields: ['__count'], groupby: [a.group_by, field], offset: 0, limit: null, orderby: false, lazy: false }, undefined)) as Record<string, unknown>[];
      const result: Record<string, Record<string, number>> = {};
      for (const group of groups) {
        const raw = group[a.group_by as string];
        const key = pyStr(Array.isArray(raw) ? raw[0] : raw);
        if (!(key in result)) {
          if (colors === undefined) throw keyError('colors');
          result[key] = Object.fromEntries(Object.keys(colors as object).map((colour) => [colour, 0]));
        }
        // Python's `field_value in counts`: the colours are JSON keys, so only a text value can match.
        const counts = result[key]!;
        const value = group[field as string];
        if (typeof value === 'string' && Object.hasOwn(counts, value)) counts[value] = counts[value]! + Number(group.__count);
      }
      return result;
    },
  },
};
