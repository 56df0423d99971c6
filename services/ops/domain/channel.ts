/**
 * The outside channels a notification goes through besides the in-app row: e-mail, SMS and push.
 * A real provider (an SMTP relay, an SMS gateway, APNs/FCM) implements ChannelSender; the
 * dispatcher (channel-dispatcher.ts) hands it each due delivery once per attempt, with the
 * delivery's id as the idempotency key a provider can deduplicate on (a delivery whose outcome was
 * lost in a crash is attempted again). channel-local.ts is the implementation a deployment
 * without providers runs.
 */
export type DeliveryChannel = 'email' | 'sms' | 'push';
export const DELIVERY_CHANNELS: readonly DeliveryChannel[] = ['email', 'sms', 'push'];

/** One message to one recipient on one channel. `address` is the e-mail address, the phone number, or `user:<id>` for push. */
export interface ChannelMessage {
  deliveryId: number;
  channel: DeliveryChannel;
  userId: number;
  address: string;
  title: string;
  body: string | null;
}

export interface ChannelSender {
  readonly channel: DeliveryChannel;
  /** Resolves with the provider's id of the message once it accepted it; throws ChannelFailure (or anything: a transient failure) when not. */
  send(message: ChannelMessage): Promise<{ providerMessageId: string }>;
}

/**
 * A channel's refusal. `code` is what the delivery keeps and the log says (a provider's error
 * code, never the message, address or body); `permanent` failures (an invalid address, a
 * recipient who opted out) are dead at once, the others retried.
 */
export class ChannelFailure extends Error {
  constructor(
    readonly code: string,
    readonly permanent: boolean,
  ) {
    super(`channel failure ${code}`);
    this.name = 'ChannelFailure';
  }
}

/** The senders of each channel a dispatcher uses. */
export type ChannelSenders = Readonly<Record<DeliveryChannel, ChannelSender>>;
