/**
 * hp.content.purchase's `create` override: `if vals.get('content_id') and 'amount' not in vals:
 * vals['amount'] = Content.browse(vals['content_id']).price` (a content without a price gives
 * 0.0, Python's `False` Monetary read). `priceOf` reads the prices as Python's browse does, as
 * the caller (read ACL and rules; a missing id raises).
 */
export async function defaultPurchaseAmounts(valsList: Record<string, unknown>[], priceOf: (contentIds: number[]) => Promise<Map<number, string | number | null>>): Promise<void> {
  const wanted = valsList.filter((vals) => vals.content_id && !('amount' in vals)).map((vals) => Number(vals.content_id));
  if (!wanted.length) return;
  const prices = await priceOf([...new Set(wanted)]);
  for (const vals of valsList) {
    if (!vals.content_id || 'amount' in vals) continue;
    const price = prices.get(Number(vals.content_id));
    vals.amount = price === null || price === undefined ? 0 : Number(price);
  }
}
