import { createHmac, randomBytes } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  generateSigningSecret,
  InvalidSigningSecretError,
  parseSigningSecret,
  signStandardWebhook,
  standardWebhookHeaders,
} from '../../../shared/platform/crypto/standard-webhooks';

// The test vector published with the spec's reference libraries (libraries/javascript tests);
// recomputed below with node:crypto rather than trusted.
const SPEC = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  msgId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestampSeconds: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

const NOW = 1_750_000_000;
const SECRET = 'whsec_' + Buffer.alloc(32, 7).toString('base64');
const OTHER_SECRET = 'whsec_' + Buffer.alloc(32, 9).toString('base64');
const BODY = JSON.stringify({
  id: 'evt_1',
  type: 'webhook.test',
  orgId: 'org_1',
  occurredAt: '2025-06-15T12:00:00Z',
  data: { message: 'héllo ✓' },
});

function signed(overrides: { body?: string; secrets?: string[]; timestampSeconds?: number; msgId?: string } = {}) {
  return standardWebhookHeaders({
    msgId: overrides.msgId ?? 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W',
    timestampSeconds: overrides.timestampSeconds ?? NOW,
    body: overrides.body ?? BODY,
    secrets: (overrides.secrets ?? [SECRET]).map(parseSigningSecret),
  });
}

describe('Module: Standard Webhooks signatures', () => {
  beforeEach(() => {
    // The npm package reads the clock itself; pin it to NOW.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW * 1000);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  describe('Function: parseSigningSecret', () => {
    it('decodes the base64 after whsec_', () => {
      expect(Buffer.from(parseSigningSecret(SPEC.secret))).toEqual(
        Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64'),
      );
    });

    it.each([
      ['no prefix', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
      ['another prefix', 'whsk_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
      ['nothing after the prefix', 'whsec_'],
      ['characters outside base64', 'whsec_MfKQ9r8GKYqrTwjUPD8I!PZIo2LaLaSw'],
      ['whitespace', 'whsec_MfKQ9r8GKYqrTwjUPD8I LPZIo2LaLaSw'],
      ['missing padding', 'whsec_' + Buffer.alloc(25, 1).toString('base64').replace(/=+$/, '')],
      ['url-safe base64', 'whsec_' + Buffer.alloc(30, 0xfb).toString('base64url')],
      ['fewer than 24 bytes', 'whsec_' + Buffer.alloc(23, 1).toString('base64')],
      ['more than 64 bytes', 'whsec_' + Buffer.alloc(65, 1).toString('base64')],
    ])('rejects a secret with %s', (_label, secret) => {
      expect(() => parseSigningSecret(secret)).toThrow(InvalidSigningSecretError);
    });

    it('accepts the bounds, 24 and 64 bytes', () => {
      expect(parseSigningSecret('whsec_' + randomBytes(24).toString('base64'))).toHaveLength(24);
      expect(parseSigningSecret('whsec_' + randomBytes(64).toString('base64'))).toHaveLength(64);
    });

    it('never echoes the secret in its error', () => {
      const secret = 'whsec_' + Buffer.alloc(23, 1).toString('base64');
      expect(() => parseSigningSecret(secret)).toThrow(/decodes to 23 bytes/);
      expect(() => parseSigningSecret(secret)).not.toThrow(secret.slice(6));
    });
  });

  describe('Function: generateSigningSecret', () => {
    it('is whsec_ and the base64 of 32 random bytes, and never repeats', () => {
      const secrets = Array.from({ length: 50 }, generateSigningSecret);
      for (const secret of secrets) expect(parseSigningSecret(secret)).toHaveLength(32);
      expect(new Set(secrets).size).toBe(secrets.length);
    });

    it('is accepted by the standardwebhooks package', () => {
      const secret = generateSigningSecret();
      const headers = signed({ secrets: [secret] });
      expect(new Webhook(secret).verify(BODY, { ...headers })).toEqual(JSON.parse(BODY));
    });
  });

  describe('Function: signStandardWebhook', () => {
    it("reproduces the spec's published vector", () => {
      const signature = signStandardWebhook({ ...SPEC, secrets: [parseSigningSecret(SPEC.secret)] });
      expect(signature).toBe(SPEC.signature);
    });

    it('matches HMAC-SHA256 over "<id>.<timestamp>.<body>" computed with node:crypto directly', () => {
      const key = Buffer.from(SPEC.secret.slice('whsec_'.length), 'base64');
      const vector = createHmac('sha256', key)
        .update(`${SPEC.msgId}.${SPEC.timestampSeconds}.${SPEC.body}`)
        .digest('base64');
      expect(`v1,${vector}`).toBe(SPEC.signature);
      const independent = createHmac('sha256', key).update(`msg_1.${NOW}.`).update(BODY, 'utf8').digest('base64');
      expect(signStandardWebhook({ msgId: 'msg_1', timestampSeconds: NOW, body: BODY, secrets: [key] })).toBe(
        `v1,${independent}`,
      );
    });

    it('signs bytes and the same text as a string identically', () => {
      const message = { msgId: 'msg_1', timestampSeconds: NOW, secrets: [parseSigningSecret(SECRET)] };
      expect(signStandardWebhook({ ...message, body: Buffer.from(BODY, 'utf8') })).toBe(
        signStandardWebhook({ ...message, body: BODY }),
      );
    });

    it('agrees with the package signing the same message', () => {
      const ours = signStandardWebhook({
        msgId: 'msg_1',
        timestampSeconds: NOW,
        body: BODY,
        secrets: [parseSigningSecret(SECRET)],
      });
      expect(ours).toBe(new Webhook(SECRET).sign('msg_1', new Date(NOW * 1000), BODY));
    });

    it('emits one space-separated signature per secret, in order', () => {
      const signature = signStandardWebhook({
        msgId: 'msg_1',
        timestampSeconds: NOW,
        body: BODY,
        secrets: [SECRET, OTHER_SECRET].map(parseSigningSecret),
      });
      const webhookNew = new Webhook(SECRET).sign('msg_1', new Date(NOW * 1000), BODY);
      const webhookOld = new Webhook(OTHER_SECRET).sign('msg_1', new Date(NOW * 1000), BODY);
      expect(signature).toBe(`${webhookNew} ${webhookOld}`);
    });

    it.each([
      ['an empty id', { msgId: '' }],
      ['an id with a full stop (the spec forbids it)', { msgId: 'evt.1' }],
      ['an id with a space', { msgId: 'msg 1' }],
      ['a fractional timestamp', { timestampSeconds: NOW + 0.5 }],
      ['a negative timestamp', { timestampSeconds: -1 }],
      ['no secrets', { secrets: [] }],
    ])('refuses %s', (_label, override) => {
      const message = {
        msgId: 'msg_1',
        timestampSeconds: NOW,
        body: BODY,
        secrets: [parseSigningSecret(SECRET)],
        ...override,
      };
      expect(() => signStandardWebhook(message)).toThrow(RangeError);
    });
  });

  describe('Function: standardWebhookHeaders', () => {
    it('builds the three headers, the timestamp as a decimal string', () => {
      expect(signed({ msgId: 'msg_9' })).toEqual({
        'webhook-id': 'msg_9',
        'webhook-timestamp': String(NOW),
        'webhook-signature': new Webhook(SECRET).sign('msg_9', new Date(NOW * 1000), BODY),
      });
    });
  });

  describe('Interoperability with the standardwebhooks package', () => {
    it('the package verifies what we sign', () => {
      expect(new Webhook(SECRET).verify(BODY, { ...signed() })).toEqual(JSON.parse(BODY));
    });

    it('the package accepts either secret when we sign with two (secret roll)', () => {
      const headers = { ...signed({ secrets: [SECRET, OTHER_SECRET] }) };
      expect(() => new Webhook(SECRET).verify(BODY, headers)).not.toThrow();
      expect(() => new Webhook(OTHER_SECRET).verify(BODY, headers)).not.toThrow();
      const unrelated = 'whsec_' + Buffer.alloc(32, 1).toString('base64');
      expect(() => new Webhook(unrelated).verify(BODY, headers)).toThrow(WebhookVerificationError);
    });

    it('the package rejects a body we signed once it is changed by one byte', () => {
      const headers = { ...signed() };
      expect(() => new Webhook(SECRET).verify(BODY.replace('héllo', 'hello'), headers)).toThrow(
        'No matching signature found',
      );
    });

    it('we sign exactly what the package signs', () => {
      const signature = new Webhook(SECRET).sign('msg_pkg', new Date(NOW * 1000), BODY);
      expect(signed({ msgId: 'msg_pkg' })['webhook-signature']).toBe(signature);
    });

    it('both produce the spec vector at its own time', () => {
      vi.setSystemTime(SPEC.timestampSeconds * 1000);
      const headers = standardWebhookHeaders({
        msgId: SPEC.msgId,
        timestampSeconds: SPEC.timestampSeconds,
        body: SPEC.body,
        secrets: [parseSigningSecret(SPEC.secret)],
      });
      expect(headers['webhook-signature']).toBe(SPEC.signature);
      expect(new Webhook(SPEC.secret).verify(SPEC.body, { ...headers })).toEqual({ test: 2432232314 });
    });

    it('the package skips signature versions it does not know', () => {
      const headers = signed();
      const withAsymmetric = {
        ...headers,
        'webhook-signature': `v1a,${randomBytes(64).toString('base64')} ${headers['webhook-signature']}`,
      };
      expect(() => new Webhook(SECRET).verify(BODY, withAsymmetric)).not.toThrow();
    });

    it('the package accepts our timestamps up to 300 s either side and refuses them beyond', () => {
      for (const skew of [-300, 300]) {
        expect(() => new Webhook(SECRET).verify(BODY, { ...signed({ timestampSeconds: NOW + skew }) })).not.toThrow();
      }
      expect(() => new Webhook(SECRET).verify(BODY, { ...signed({ timestampSeconds: NOW - 301 }) })).toThrow(
        'Message timestamp too old',
      );
      expect(() => new Webhook(SECRET).verify(BODY, { ...signed({ timestampSeconds: NOW + 301 }) })).toThrow(
        'Message timestamp too new',
      );
    });

    it('the package refuses our signature under another id or timestamp (both are signed)', () => {
      const headers = signed();
      expect(() => new Webhook(SECRET).verify(BODY, { ...headers, 'webhook-id': 'msg_other' })).toThrow(
        'No matching signature found',
      );
      expect(() => new Webhook(SECRET).verify(BODY, { ...headers, 'webhook-timestamp': String(NOW + 1) })).toThrow(
        'No matching signature found',
      );
    });
  });
});
