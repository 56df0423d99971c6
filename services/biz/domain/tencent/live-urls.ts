import { signedStreamQuery } from './tx-signature.ts';

/**
 * Where a stream is pushed and played on Tencent Cloud CSS, from the service's settings
 * (tencent-settings.ts): the push domain takes RTMP pushes at `rtmp://<push domain>/<app>/<stream>`,
 * the play domain serves the same stream as RTMP, HTTP-FLV (`.flv`), HLS (`.m3u8`) and WebRTC
 * (LEB). Each URL carries its domain's authentication (tx-signature.ts) when a key is set; a
 * play domain without playback authentication serves unsigned URLs.
 */
export interface LiveUrlSettings {
  pushDomain: string;
  playDomain: string;
  /** The CSS application (the push path), `live` unless configured. */
  appName: string;
  /** The push domain's authentication key (never logged, never answered). */
  pushKey: string;
  /** The play domain's authentication key; absent when playback authentication is off. */
  playKey: string | undefined;
  /** How long a URL handed out stays valid, in seconds. */
  urlValiditySeconds: number;
}

export interface LivePlayUrls {
  rtmp: string;
  flv: string;
  hls: string;
  webrtc: string;
}

/** The RTMP push URL of `streamName`, signed with the push key until `expiresAtUnixSeconds`. */
export function pushUrl(settings: LiveUrlSettings, streamName: string, expiresAtUnixSeconds: number): string {
  return `rtmp://${settings.pushDomain}/${settings.appName}/${streamName}?${signedStreamQuery(settings.pushKey, streamName, expiresAtUnixSeconds)}`;
}

/** The play URLs of `streamName` (RTMP, FLV, HLS, WebRTC), signed with the play key until `expiresAtUnixSeconds` when playback authentication is on. */
export function playUrls(settings: LiveUrlSettings, streamName: string, expiresAtUnixSeconds: number): LivePlayUrls {
  // CSS signs the stream name without the .flv/.m3u8 extension, so one query serves every format.
  const query = settings.playKey ? `?${signedStreamQuery(settings.playKey, streamName, expiresAtUnixSeconds)}` : '';
  const path = `${settings.playDomain}/${settings.appName}/${streamName}`;
  return {
    rtmp: `rtmp://${path}${query}`,
    flv: `https://${path}.flv${query}`,
    hls: `https://${path}.m3u8${query}`,
    webrtc: `webrtc://${path}${query}`,
  };
}
