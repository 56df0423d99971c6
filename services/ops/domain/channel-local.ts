import type { ChannelMessage, ChannelSender, ChannelSenders, DeliveryChannel } from './channel.ts';

/**
 * The channels of a deployment without providers (development, tests, the embedded mode): each
 * message is accepted at once and its delivery marked delivered by the dispatcher, with the id
 * `local:<channel>:<delivery id>`. Nothing leaves the machine and nothing is logged: the
 * delivery rows in svc_ops are the record of what would have been sent.
 */
export function localChannelSender(channel: DeliveryChannel): ChannelSender {
  return {
    channel,
    send: async (message: ChannelMessage) => ({ providerMessageId: `local:${channel}:${message.deliveryId}` }),
  };
}

export const LOCAL_CHANNELS: ChannelSenders = {
  email: localChannelSender('email'),
  sms: localChannelSender('sms'),
  push: localChannelSender('push'),
};
