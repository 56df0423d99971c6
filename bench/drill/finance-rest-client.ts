import { bearerRest } from './bearer-rest.ts';

/** The addon's overdraft refusal, as a REST problem's detail carries it. */
const OVERDRAFT = /Insufficient points: user (\d+) has (-?\d+) points, (-?\d+) requested/;

export interface GiftPurchaseAnswer {
  /** The gift order, when accepted. */
  id: number;
  /** A 422 naming insufficient points: an answer the drill expects, not a failure. */
  refused: boolean;
  /** The balance the refusal named. */
  balance?: number;
}

export interface FinanceRestClient {
  balance(uid: number): Promise<number>;
  createPayment(uid: number, body: { sourceModel: string; sourceId: number; amount: string; method?: string }, idempotencyKey: string): Promise<{ id: number; reference: string }>;
  purchaseGift(uid: number, body: { giftId: number; receiverId: number; quantity: number }, idempotencyKey: string): Promise<GiftPurchaseAnswer>;
}

/**
 * Finance's REST API as a member's app calls it (bearer token per user, Idempotency-Key on every
 * create). Any answer other than the documented success, or the overdraft refusal of a gift
 * purchase, throws: the drill counts it as failed.
 */
export function financeRestClient(baseUrl: string, tokens: Record<string, string>): FinanceRestClient {
  const { send: call, fail } = bearerRest(baseUrl, tokens);
  return {
    async balance(uid) {
      const answer = await call('GET', '/points/balance', uid);
      if (answer.status !== 200) fail('GET /points/balance', answer);
      return Number(answer.body.balance);
    },
    async createPayment(uid, body, idempotencyKey) {
      const answer = await call('POST', '/payments', uid, body, idempotencyKey);
      if (answer.status !== 201) fail('POST /payments', answer);
      return { id: Number(answer.body.id), reference: String(answer.body.reference) };
    },
    async purchaseGift(uid, body, idempotencyKey) {
      const answer = await call('POST', '/gifts/purchase', uid, body, idempotencyKey);
      if (answer.status === 201) return { id: Number(answer.body.id), refused: false };
      const overdraft = answer.status === 422 ? OVERDRAFT.exec(String(answer.body.detail ?? '')) : null;
      if (overdraft) return { id: 0, refused: true, balance: Number(overdraft[2]) };
      return fail('POST /gifts/purchase', answer);
    },
  };
}
