import { describe, expect, it } from 'vitest';
import { fixedClock } from '../domain/clock.js';
import { contentUrlExpiry, contentUrlSigner, signedContentPath } from './content-urls.js';

const KEY = Buffer.alloc(32, 7);
const SHA = 'ab'.repeat(32);
const NOON = new Date('2024-03-10T12:00:00Z');

describe('the expiry', () => {
  it('is the end of the next UTC day, so a URL signed any time today lives at least 24 h', () => {
    const end = Date.parse('2024-03-12T00:00:00Z') / 1000;
    expect(contentUrlExpiry(new Date('2024-03-10T00:00:00Z'))).toBe(end);
    expect(contentUrlExpiry(NOON)).toBe(end);
    expect(contentUrlExpiry(new Date('2024-03-10T23:59:59.999Z'))).toBe(end);
    expect(contentUrlExpiry(new Date('2024-03-11T00:00:00Z'))).toBe(end + 86_400);
  });
});

describe('signing and checking', () => {
  const signer = contentUrlSigner(KEY, fixedClock(NOON));
  const signed = signer.sign('6447306070', SHA);
  const check = (overrides: Partial<Record<'appId' | 'sha256' | 'expires' | 'signature', string>>) =>
    signer.check(
      overrides.appId ?? signed.appId,
      overrides.sha256 ?? signed.sha256,
      overrides.expires ?? String(signed.expires),
      overrides.signature ?? signed.signature,
    );

  it('accepts what it signed, on any node with the same key', () => {
    expect(check({})).toBe('valid');
    const otherNode = contentUrlSigner(Buffer.from(KEY), fixedClock(new Date('2024-03-11T08:00:00Z')));
    expect(otherNode.check(signed.appId, SHA, String(signed.expires), signed.signature)).toBe('valid');
  });

  it('signs the same URL all day long', () => {
    const evening = contentUrlSigner(KEY, fixedClock(new Date('2024-03-10T23:00:00Z')));
    expect(evening.sign('6447306070', SHA)).toEqual(signed);
  });

  it('refuses a changed app, content, expiry or signature', () => {
    expect(check({ appId: '6447306071' })).toBe('invalid');
    expect(check({ sha256: 'cd'.repeat(32) })).toBe('invalid');
    expect(check({ expires: String(signed.expires + 86_400) })).toBe('invalid');
    const flipped = (signed.signature.startsWith('0') ? '1' : '0') + signed.signature.slice(1);
    expect(check({ signature: flipped })).toBe('invalid');
  });

  it('refuses malformed parts without comparing them', () => {
    expect(check({ signature: signed.signature.toUpperCase() })).toBe('invalid');
    expect(check({ signature: signed.signature.slice(2) })).toBe('invalid');
    expect(check({ expires: '' })).toBe('invalid');
    expect(check({ expires: '1e12' })).toBe('invalid');
    expect(check({ sha256: SHA.toUpperCase() })).toBe('invalid');
  });

  it('refuses another key', () => {
    const other = contentUrlSigner(Buffer.alloc(32, 8), fixedClock(NOON));
    expect(other.check(signed.appId, SHA, String(signed.expires), signed.signature)).toBe('invalid');
  });

  it('calls a URL expired from its expiry on', () => {
    const at = (instant: number) => contentUrlSigner(KEY, fixedClock(new Date(instant)));
    const expiry = signed.expires * 1000;
    expect(at(expiry - 1).check(signed.appId, SHA, String(signed.expires), signed.signature)).toBe('valid');
    expect(at(expiry).check(signed.appId, SHA, String(signed.expires), signed.signature)).toBe('expired');
  });
});

it('writes the path with the app id escaped', () => {
  const signer = contentUrlSigner(KEY, fixedClock(NOON));
  const signed = signer.sign('a/b c', SHA);
  expect(signedContentPath(signed, '32x32bb.jpg')).toBe(
    `/content/v1/screenshots/a%2Fb%20c/${SHA}/32x32bb.jpg?expires=${signed.expires}&signature=${signed.signature}`,
  );
});
