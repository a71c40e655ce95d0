import { describe, expect, it } from 'vitest';
import { batchProblemItem } from '../http/problem-answer.js';
import { holdsUnstorableText, unstorableText } from './storable-text.js';
import { checkEvent as checkEventProblems, type EventContext } from './usage-event-rules.js';

/** The rules' problems as the API answers them: where each lies as `source.pointer` (/events/3/build). */
function checkEvent(raw: unknown, index: number, context: EventContext) {
  const result = checkEventProblems(raw, index, context);
  return Array.isArray(result)
    ? result.map((problem) => batchProblemItem({ ...problem, event: index }))
    : result;
}

describe('unstorableText', () => {
  it('refuses a NUL, a lone high and a lone low surrogate, anywhere in the text', () => {
    expect(unstorableText('a\u0000b')).toMatch(/^contains the NUL character \(U\+0000\)/);
    expect(unstorableText('\u0000')).toMatch(/NUL/);
    for (const lone of ['\ud800', 'x\udbff', '\udc00y', 'x\ude00\ud83d y']) {
      expect(unstorableText(lone), JSON.stringify(lone)).toMatch(/^contains an unpaired UTF-16 surrogate/);
    }
  });

  it('accepts well-formed text: a surrogate pair (an emoji), other scripts, controls PostgreSQL stores', () => {
    for (const text of [
      '',
      'Zoë',
      '😀',
      'x\ud83d\ude00y',
      '👩‍💻',
      '한국어',
      'العربية',
      '\u001b[31mEve\u202e',
      '\ufffd',
    ]) {
      expect(unstorableText(text), JSON.stringify(text)).toBeUndefined();
    }
  });

  it('never quotes the text it refuses', () => {
    expect(unstorableText('secret\u0000')).not.toContain('secret');
    expect(unstorableText('secret\ud800')).not.toContain('secret');
  });

  it('finds such text among the string values of a record (path parameters)', () => {
    expect(holdsUnstorableText({ id: 'a\u0000b' })).toBe(true);
    expect(holdsUnstorableText({ appId: '100', testerId: '\udc00' })).toBe(true);
    expect(holdsUnstorableText({ id: '😀' })).toBe(false);
    expect(holdsUnstorableText(undefined)).toBe(false);
  });
});

describe('events with text no store can keep', () => {
  const context: EventContext = {
    appId: 'app1',
    now: new Date('2023-10-05T12:00:00.000Z'),
    retentionDays: 400,
    skewMs: 0,
    receivedAt: '2023-10-05T12:00:05.000Z',
    maxCrashLogBytes: 256 * 1024,
  };
  const valid = {
    id: 'e1',
    type: 'session',
    appId: 'app1',
    testerId: 't1',
    timestamp: '2023-10-05T10:00:00Z',
  };

  it.each([
    ['build', 'a\u0000b'],
    ['device', '\ud800'],
    ['platform', 'i\udc00OS'],
    ['osVersion', '17\u0000'],
    ['testerId', 't\u0000'],
    ['type', 'session\u0000'],
    ['timestamp', '2023-10-05T10:00:00Z\ud800'],
  ])('refuses %s with ATTRIBUTE.INVALID at its pointer, without echoing it', (field, value) => {
    const result = checkEvent({ ...valid, [field]: value }, 3, context);
    expect(Array.isArray(result)).toBe(true);
    expect(result).toEqual([
      {
        code: 'ENTITY_ERROR.ATTRIBUTE.INVALID',
        detail: expect.stringMatching(
          new RegExp(`^'${field}' contains (the NUL character|an unpaired UTF-16)`),
        ),
        source: { pointer: `/events/3/${field}` },
      },
    ]);
    expect(JSON.stringify(result)).not.toMatch(/\\u0000|\\ud800|\\udc00/);
  });

  it('refuses an app id with a NUL even when it is the context’s own (an import names its app itself)', () => {
    const result = checkEvent({ ...valid, appId: 'app\u0000' }, 0, { ...context, appId: 'app\u0000' });
    expect(result).toEqual([expect.objectContaining({ source: { pointer: '/events/0/appId' } })]);
  });

  it('refuses half of a surrogate pair, and accepts the pair (an emoji) in every optional text field', () => {
    const fields = { build: '😀', platform: 'iOS 😀', device: '📱', osVersion: '17 ✅' };
    expect(checkEvent({ ...valid, ...fields }, 0, context)).toMatchObject({ event: fields });
    const halves = { build: '\ud83d', platform: 'iOS \ude00', device: '\ud83d', osVersion: '17' };
    expect(checkEvent({ ...valid, ...halves }, 0, context)).toEqual(
      ['build', 'platform', 'device'].map((field) =>
        expect.objectContaining({ source: { pointer: `/events/0/${field}` } }),
      ),
    );
  });

  it('shows an unknown attribute’s name escaped in its detail and pointer: no NUL, surrogate or control', () => {
    const result = checkEvent({ ...valid, 'a\u0000\u001b[2J\ud800': 1 }, 2, context);
    expect(result).toEqual([
      {
        code: 'ENTITY_ERROR.ATTRIBUTE.UNKNOWN',
        detail: "The attribute 'a\\x00\\x1b[2J\\ud800' is not part of a usage event",
        source: { pointer: '/events/2/a\\x00\\x1b[2J\\ud800' },
      },
    ]);
  });
});
