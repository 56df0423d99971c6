import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callbackSign, verifyCallbackSignature } from '../../../services/biz/domain/tencent/callback-signature.ts';
import { playUrls, pushUrl, type LiveUrlSettings } from '../../../services/biz/domain/tencent/live-urls.ts';
import { callbackSettings, liveUrlSettings, TencentSettingsError } from '../../../services/biz/domain/tencent/tencent-settings.ts';
import { signedStreamQuery, txSecret, txTimeOf } from '../../../services/biz/domain/tencent/tx-signature.ts';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/** The vendor's published push-authentication example (Tencent Cloud CSS, "Push and Playback Authentication"). */
const VENDOR_PUSH = { key: 'e12c46f2612d5106e2034781ab261ca3', stream: 'test', txTime: '5C271099', txSecret: 'f85a2ab363fe4deaffef9754d79da6fe' };
/** The vendor's published callback-signature example ("How to Receive Event Notification"). */
const VENDOR_CALLBACK = { key: '5d41402abc4b2a76b9719d911017c592', t: 1626839220, sign: '5ee8ca6c28cbe415b40352969cdf8249' };

const settings = (over: Partial<LiveUrlSettings> = {}): LiveUrlSettings => ({
  pushDomain: 'livepush.tcloud.com', playDomain: 'liveplay.tcloud.com', appName: 'live', pushKey: VENDOR_PUSH.key, playKey: undefined, urlValiditySeconds: 86_400, ...over,
});

describe('Tencent Cloud CSS URL signing (txSecret = MD5(key + streamName + txTime))', () => {
  it("reproduces the vendor's example exactly: txTime 5C271099, txSecret f85a2ab3…, and its push URL", () => {
    expect(txTimeOf(0x5c271099)).toBe(VENDOR_PUSH.txTime);
    expect(txSecret(VENDOR_PUSH.key, VENDOR_PUSH.stream, VENDOR_PUSH.txTime)).toBe(VENDOR_PUSH.txSecret);
    expect(pushUrl(settings(), VENDOR_PUSH.stream, 0x5c271099)).toBe(
      'rtmp://livepush.tcloud.com/live/test?txSecret=f85a2ab363fe4deaffef9754d79da6fe&txTime=5C271099',
    );
  });

  it('hashes the hex time upper case: the lower-case text gives another secret', () => {
    expect(txSecret(VENDOR_PUSH.key, VENDOR_PUSH.stream, '5c271099')).not.toBe(VENDOR_PUSH.txSecret);
    expect(signedStreamQuery(VENDOR_PUSH.key, VENDOR_PUSH.stream, 0x5c271099)).toBe(`txSecret=${VENDOR_PUSH.txSecret}&txTime=${VENDOR_PUSH.txTime}`);
  });

  it('any expiry: txTime is the upper-case hex of the Unix seconds and the secret is MD5(key + stream + txTime)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 2 ** 40 }), fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/), fc.stringMatching(/^[\x21-\x7e]{1,40}$/),
      (seconds, stream, key) => {
        const txTime = txTimeOf(seconds);
        expect(txTime).toMatch(/^[0-9A-F]+$/);
        expect(parseInt(txTime, 16)).toBe(seconds);
        expect(txSecret(key, stream, txTime)).toBe(md5(key + stream + txTime));
      },
    ));
  });

  it('refuses what it cannot sign: a negative or fractional time, an empty key, a stream name CSS would not take', () => {
    expect(() => txTimeOf(-1)).toThrow(RangeError);
    expect(() => txTimeOf(1.5)).toThrow(RangeError);
    expect(() => txSecret('', 'test', '5C271099')).toThrow(RangeError);
    expect(() => txSecret('k', 'te st', '5C271099')).toThrow(RangeError);
    expect(() => txSecret('k', 'a/b', '5C271099')).toThrow(RangeError);
  });

  it('play URLs: RTMP, FLV, HLS and WebRTC on the play domain, one signature over the bare stream name (play key), or unsigned without one', () => {
    const signed = playUrls(settings({ playKey: VENDOR_PUSH.key }), 'test', 0x5c271099);
    const query = `?txSecret=${VENDOR_PUSH.txSecret}&txTime=${VENDOR_PUSH.txTime}`;
    expect(signed).toEqual({
      rtmp: `rtmp://liveplay.tcloud.com/live/test${query}`,
      flv: `https://liveplay.tcloud.com/live/test.flv${query}`,
      hls: `https://liveplay.tcloud.com/live/test.m3u8${query}`,
      webrtc: `webrtc://liveplay.tcloud.com/live/test${query}`,
    });
    expect(playUrls(settings(), 'test', 0x5c271099)).toEqual({
      rtmp: 'rtmp://liveplay.tcloud.com/live/test', flv: 'https://liveplay.tcloud.com/live/test.flv',
      hls: 'https://liveplay.tcloud.com/live/test.m3u8', webrtc: 'webrtc://liveplay.tcloud.com/live/test',
    });
    // The push key never signs a play URL: another key gives another secret.
    expect(playUrls(settings({ playKey: 'another-key' }), 'test', 0x5c271099).rtmp).not.toContain(VENDOR_PUSH.txSecret);
  });
});

describe('Tencent Cloud CSS callback signature (sign = MD5(key + t), t the expiry in decimal Unix seconds)', () => {
  const atMs = (seconds: number) => seconds * 1000;

  it("reproduces the vendor's example exactly", () => {
    expect(callbackSign(VENDOR_CALLBACK.key, VENDOR_CALLBACK.t)).toBe(VENDOR_CALLBACK.sign);
    expect(callbackSign(VENDOR_CALLBACK.key, String(VENDOR_CALLBACK.t))).toBe(VENDOR_CALLBACK.sign);
  });

  it('accepts the example until t (its expiry), with t as a number or as digits, sign in either case', () => {
    const given = { t: VENDOR_CALLBACK.t, sign: VENDOR_CALLBACK.sign };
    expect(verifyCallbackSignature(given, [VENDOR_CALLBACK.key], atMs(VENDOR_CALLBACK.t - 600))).toEqual({ ok: true, expiresAt: new Date(atMs(VENDOR_CALLBACK.t)) });
    expect(verifyCallbackSignature(given, [VENDOR_CALLBACK.key], atMs(VENDOR_CALLBACK.t) + 999).ok).toBe(true);
    expect(verifyCallbackSignature({ t: String(VENDOR_CALLBACK.t), sign: VENDOR_CALLBACK.sign.toUpperCase() }, [VENDOR_CALLBACK.key], atMs(VENDOR_CALLBACK.t - 1)).ok).toBe(true);
  });

  it('refuses it once t has passed, and a t further ahead than the validity (10 minutes by default)', () => {
    const given = { t: VENDOR_CALLBACK.t, sign: VENDOR_CALLBACK.sign };
    expect(verifyCallbackSignature(given, [VENDOR_CALLBACK.key], atMs(VENDOR_CALLBACK.t + 1))).toMatchObject({ ok: false, reason: 'expired' });
    expect(verifyCallbackSignature(given, [VENDOR_CALLBACK.key], atMs(VENDOR_CALLBACK.t - 3600))).toMatchObject({ ok: false, reason: 'too-far-ahead' });
    expect(verifyCallbackSignature(given, [VENDOR_CALLBACK.key], atMs(VENDOR_CALLBACK.t - 3600), 7200).ok).toBe(true);
  });

  it('refuses a tampered t or sign, a wrong key, and malformed values; accepts the previous key while rolling', () => {
    const now = atMs(VENDOR_CALLBACK.t - 60);
    expect(verifyCallbackSignature({ t: VENDOR_CALLBACK.t + 1, sign: VENDOR_CALLBACK.sign }, [VENDOR_CALLBACK.key], now)).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(verifyCallbackSignature({ t: VENDOR_CALLBACK.t, sign: `${VENDOR_CALLBACK.sign.slice(0, 31)}0` }, [VENDOR_CALLBACK.key], now)).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(verifyCallbackSignature({ t: VENDOR_CALLBACK.t, sign: VENDOR_CALLBACK.sign }, ['another-key'], now)).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(verifyCallbackSignature({ t: VENDOR_CALLBACK.t, sign: VENDOR_CALLBACK.sign }, ['new-key', VENDOR_CALLBACK.key], now).ok).toBe(true);
    for (const given of [{ t: VENDOR_CALLBACK.t }, { t: -1, sign: VENDOR_CALLBACK.sign }, { t: '1626839220.5', sign: VENDOR_CALLBACK.sign }, { t: 1.5, sign: VENDOR_CALLBACK.sign },
      { t: VENDOR_CALLBACK.t, sign: 'zz' }, { t: VENDOR_CALLBACK.t, sign: `${VENDOR_CALLBACK.sign}00` }, { sign: VENDOR_CALLBACK.sign }]) {
      expect(verifyCallbackSignature(given, [VENDOR_CALLBACK.key], now)).toMatchObject({ ok: false, reason: 'malformed' });
    }
  });

  it('any key and t: exactly MD5(key + t) passes, and a change of any one hex digit of it is refused; no verdict carries the key or the expected sign', () => {
    fc.assert(fc.property(
      fc.stringMatching(/^[\x21-\x7e]{1,40}$/), fc.integer({ min: 1, max: 2 ** 40 }), fc.integer({ min: 0, max: 31 }), fc.integer({ min: 1, max: 15 }),
      (key, t, position, delta) => {
        const sign = md5(`${key}${t}`);
        expect(verifyCallbackSignature({ t, sign }, [key], atMs(t)).ok).toBe(true);
        const digit = (parseInt(sign[position]!, 16) + delta) % 16;
        const tampered = `${sign.slice(0, position)}${digit.toString(16)}${sign.slice(position + 1)}`;
        const verdict = verifyCallbackSignature({ t, sign: tampered }, [key], atMs(t));
        expect(verdict).toMatchObject({ ok: false, reason: 'mismatch' });
        expect(JSON.stringify(verdict)).not.toContain(sign);
        if (key.length >= 8) expect(JSON.stringify(verdict)).not.toContain(key);
      },
    ));
  });
});

describe('Tencent settings from the environment', () => {
  const base = { FICUS_TENCENT_LIVE_PUSH_DOMAIN: 'livepush.example.com', FICUS_TENCENT_LIVE_PLAY_DOMAIN: 'liveplay.example.com', FICUS_TENCENT_LIVE_PUSH_KEY: 'push-secret-key' };

  it('URL settings need both domains and the push key; the app name defaults to live and the validity to a day', () => {
    expect(liveUrlSettings({})).toBeNull();
    expect(liveUrlSettings({ ...base, FICUS_TENCENT_LIVE_PUSH_KEY: '' })).toBeNull();
    expect(liveUrlSettings(base)).toEqual({ pushDomain: 'livepush.example.com', playDomain: 'liveplay.example.com', appName: 'live', pushKey: 'push-secret-key', playKey: undefined, urlValiditySeconds: 86_400 });
    expect(liveUrlSettings({ ...base, FICUS_TENCENT_LIVE_APP_NAME: 'hp', FICUS_TENCENT_LIVE_PLAY_KEY: 'play-key', FICUS_TENCENT_LIVE_URL_VALIDITY_SECONDS: '3600' }))
      .toMatchObject({ appName: 'hp', playKey: 'play-key', urlValiditySeconds: 3600 });
  });

  it('callback settings need the key; the previous key is accepted beside it; 10 minutes by default', () => {
    expect(callbackSettings({ FICUS_TENCENT_LIVE_CALLBACK_KEY_PREVIOUS: 'old' })).toBeNull();
    expect(callbackSettings({ FICUS_TENCENT_LIVE_CALLBACK_KEY: 'new', FICUS_TENCENT_LIVE_CALLBACK_KEY_PREVIOUS: 'old' })).toEqual({ keys: ['new', 'old'], validitySeconds: 600, appName: 'live' });
  });

  it('an unusable setting names its variable, never its value', () => {
    const errorOf = (work: () => unknown) => {
      try {
        work();
      } catch (error) {
        return error as Error;
      }
      throw new Error('expected a refusal');
    };
    const badKey = errorOf(() => liveUrlSettings({ ...base, FICUS_TENCENT_LIVE_PUSH_KEY: 'secret with spaces' }));
    expect(badKey).toBeInstanceOf(TencentSettingsError);
    expect((badKey as TencentSettingsError).variable).toBe('FICUS_TENCENT_LIVE_PUSH_KEY');
    expect(badKey.message).not.toContain('secret with spaces');
    expect(errorOf(() => liveUrlSettings({ ...base, FICUS_TENCENT_LIVE_PUSH_DOMAIN: 'http://x/y' })).message).toContain('FICUS_TENCENT_LIVE_PUSH_DOMAIN');
    expect(errorOf(() => callbackSettings({ FICUS_TENCENT_LIVE_CALLBACK_KEY: 'k', FICUS_TENCENT_LIVE_CALLBACK_VALIDITY_SECONDS: '0' })).message).toContain('FICUS_TENCENT_LIVE_CALLBACK_VALIDITY_SECONDS');
  });
});
