import { describe, expect, it } from 'vitest';
import { batchProblemItem } from '../http/problem-answer.js';
import { parseInstant } from './instant-text.js';
import {
  type CheckedEvent,
  checkEvent as checkEventProblems,
  DEFAULT_RETENTION_DAYS,
  type EventContext,
  skewFromSentAt as sentAtSkew,
} from './usage-event-rules.js';

/** The rules' problems as the API answers them: where each lies as `source.pointer` (/events/3/timestamp). */
function checkEvent(raw: unknown, index: number, context: EventContext) {
  const result = checkEventProblems(raw, index, context);
  return Array.isArray(result)
    ? result.map((problem) => batchProblemItem({ ...problem, event: index }))
    : result;
}

function skewFromSentAt(sentAt: unknown, receivedAt: Date) {
  const skew = sentAtSkew(sentAt, receivedAt);
  return typeof skew === 'number' ? skew : batchProblemItem(skew);
}

const NOW = new Date('2023-10-05T12:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CONTEXT: EventContext = {
  appId: 'app1',
  now: NOW,
  retentionDays: 400,
  skewMs: 0,
  receivedAt: '2023-10-05T12:00:05.000Z',
  maxCrashLogBytes: 256 * 1024,
};
const VALID = {
  id: 'e1',
  type: 'session',
  appId: 'app1',
  testerId: 't1',
  timestamp: '2023-10-05T10:00:00Z',
};

function accepted(raw: unknown, context: EventContext = CONTEXT, index = 0): CheckedEvent {
  const result = checkEvent(raw, index, context);
  if (Array.isArray(result)) throw new Error(`refused: ${JSON.stringify(result)}`);
  return result;
}

/** The problems of a refused event as `code pointer` pairs. */
function problems(raw: unknown, context: EventContext = CONTEXT, index = 3): string[] {
  const result = checkEvent(raw, index, context);
  if (!Array.isArray(result)) throw new Error(`accepted: ${JSON.stringify(result)}`);
  return result.map(
    (item) => `${item.code} ${item.source && 'pointer' in item.source ? item.source.pointer : ''}`,
  );
}

const INVALID = 'ENTITY_ERROR.ATTRIBUTE.INVALID';
const at = (instant: number) => new Date(instant).toISOString();

describe('checkEvent', () => {
  it('accepts a valid event as the stored record, in UTC, for the key’s app', () => {
    const full = { ...VALID, timestamp: '2023-10-05T12:30:00+02:00', build: '42', platform: 'iOS' };
    expect(accepted({ ...full, device: 'iPhone15,2', osVersion: '17.0.3' }, CONTEXT, 7)).toEqual({
      index: 7,
      event: {
        id: 'e1',
        type: 'session',
        appId: 'app1',
        testerId: 't1',
        occurredAt: '2023-10-05T10:30:00.000Z',
        build: '42',
        platform: 'iOS',
        device: 'iPhone15,2',
        osVersion: '17.0.3',
        receivedAt: '2023-10-05T12:00:05.000Z',
      },
    });
  });

  it.each(['install', 'session', 'crash', 'feedback'])('accepts the type %s', (type) => {
    expect(accepted({ ...VALID, type }).event.type).toBe(type);
  });

  it.each(['id', 'type', 'appId', 'testerId', 'timestamp'])('requires %s, pointing at it', (field) => {
    for (const missing of [undefined, null, '']) {
      const result = checkEvent({ ...VALID, [field]: missing }, 3, CONTEXT);
      expect(result).toEqual([
        {
          code: 'ENTITY_ERROR.ATTRIBUTE.REQUIRED',
          detail: `You must provide a value for the attribute '${field}' with this request`,
          source: { pointer: `/events/3/${field}` },
        },
      ]);
    }
  });

  it.each(['id', 'type', 'appId', 'testerId', 'timestamp'])('refuses %s when it is not a string', (field) => {
    for (const value of [42, true, {}, ['x']]) {
      expect(checkEvent({ ...VALID, [field]: value }, 3, CONTEXT)).toEqual([
        { code: INVALID, detail: `'${field}' must be a string`, source: { pointer: `/events/3/${field}` } },
      ]);
    }
  });

  it('refuses what is not a JSON object, pointing at the event', () => {
    for (const raw of [null, 'e1', 42, [VALID]]) {
      expect(problems(raw)).toEqual([`${INVALID} /events/3`]);
    }
  });

  it('names every problem of one event, an unknown attribute included', () => {
    expect(problems({ ...VALID, timeStamp: VALID.timestamp, type: 'launch', id: '' })).toEqual([
      'ENTITY_ERROR.ATTRIBUTE.UNKNOWN /events/3/timeStamp',
      'ENTITY_ERROR.ATTRIBUTE.REQUIRED /events/3/id',
      `${INVALID} /events/3/type`,
    ]);
  });

  it('refuses receivedAt and occurredAt inside an event: the server sets them', () => {
    expect(problems({ ...VALID, receivedAt: VALID.timestamp, occurredAt: VALID.timestamp })).toEqual([
      'ENTITY_ERROR.ATTRIBUTE.UNKNOWN /events/3/receivedAt',
      'ENTITY_ERROR.ATTRIBUTE.UNKNOWN /events/3/occurredAt',
    ]);
  });

  describe('the event id', () => {
    it.each([
      ['a UUID', '3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b'],
      ['64 safe characters', `A${'b._:-9'.repeat(10)}xyz`],
      ['one character', 'x'],
    ])('accepts %s', (_what, id) => {
      expect(accepted({ ...VALID, id }).event.id).toBe(id);
    });

    it.each([
      ['65 characters', 'a'.repeat(65)],
      ['a space', 'e 1'],
      ['a slash', 'e/1'],
      ['a leading dash', '-e1'],
      ['a non-ASCII letter', 'é1'],
      ['a newline', 'e1\n'],
    ])('refuses %s', (_what, id) => {
      expect(problems({ ...VALID, id })).toEqual([`${INVALID} /events/3/id`]);
    });

    it('takes exactly 64 characters', () => {
      expect(accepted({ ...VALID, id: 'a'.repeat(64) }).event.id).toHaveLength(64);
    });
  });

  it('refuses an unknown type and names the known ones', () => {
    expect(checkEvent({ ...VALID, type: 'Session' }, 0, CONTEXT)).toEqual([
      {
        code: INVALID,
        detail:
          "'Session' is not an event type; use one of install, session, crash, feedback, publicLinkView, publicLinkAccept, publicLinkDecline, publicLinkCriteriaNotMet",
        source: { pointer: '/events/0/type' },
      },
    ]);
  });

  it('refuses an event of another app than the key’s as a relationship error', () => {
    expect(problems({ ...VALID, appId: 'app2' })).toEqual([
      'ENTITY_ERROR.RELATIONSHIP.INVALID /events/3/appId',
    ]);
  });

  describe('the timestamp', () => {
    it.each([
      ['without an offset', '2023-10-05T10:00:00'],
      ['a day only', '2023-10-05'],
      ['a month that does not exist', '2023-13-01T00:00:00Z'],
      ['an hour that does not exist', '2023-10-05T25:00:00Z'],
      ['the 30th of February', '2023-02-30T10:00:00Z'],
      ['the 31st of April', '2023-04-31T10:00:00Z'],
      ['an offset that does not exist', '2023-10-05T10:00:00+25:00'],
      ['a number-like string', '1696500000000'],
      ['free text', 'yesterday'],
    ])('refuses one %s', (_what, timestamp) => {
      expect(problems({ ...VALID, timestamp })).toEqual([`${INVALID} /events/3/timestamp`]);
    });

    it('accepts a leap day, fractions and offsets on both sides of UTC', () => {
      const context = { ...CONTEXT, now: new Date('2024-03-01T00:00:00Z') };
      expect(
        accepted({ ...VALID, timestamp: '2024-02-29T23:59:59.999-05:30' }, context).event.occurredAt,
      ).toBe('2024-03-01T05:29:59.999Z');
      expect(accepted({ ...VALID, timestamp: '2024-02-29T01:00+14:00' }, context).event.occurredAt).toBe(
        '2024-02-28T11:00:00.000Z',
      );
    });

    it('stores every instant as toISOString writes it, a timestamp already so kept as sent', () => {
      const timestamps = [
        '2023-10-05T10:00:00.000Z',
        '2023-10-05T23:59:59.999Z',
        '2023-10-05T24:00:00.000Z',
        '2023-10-05T10:00:00Z',
        '2023-10-05T10:00:00.5Z',
        '2023-10-05T10:00:00.123456Z',
        '2023-10-05T10:00:00.000+00:00',
        '2023-10-05T12:00:00.000+02:00',
      ];
      for (const skewMs of [0, -2 * HOUR]) {
        for (const timestamp of timestamps) {
          const stored = new Date(Date.parse(timestamp) + skewMs).toISOString();
          expect(accepted({ ...VALID, timestamp }, { ...CONTEXT, skewMs }).event.occurredAt).toBe(stored);
        }
      }
    });

    it('takes up to 24 h in the future, not a millisecond more', () => {
      expect(accepted({ ...VALID, timestamp: at(NOW.getTime() + DAY) }).event.occurredAt).toBe(
        '2023-10-06T12:00:00.000Z',
      );
      const refused = checkEvent({ ...VALID, timestamp: at(NOW.getTime() + DAY + 1) }, 3, CONTEXT);
      expect(refused).toEqual([
        {
          code: INVALID,
          detail: 'The event is dated more than 24 hours in the future',
          source: { pointer: '/events/3/timestamp' },
        },
      ]);
    });

    it('takes events as old as the retention period, not a millisecond older', () => {
      const oldest = NOW.getTime() - 400 * DAY;
      expect(accepted({ ...VALID, timestamp: at(oldest) }).event.occurredAt).toBe('2022-08-31T12:00:00.000Z');
      expect(checkEvent({ ...VALID, timestamp: at(oldest - 1) }, 3, CONTEXT)).toEqual([
        {
          code: INVALID,
          detail: 'The event is older than the retention period of 400 days',
          source: { pointer: '/events/3/timestamp' },
        },
      ]);
      const shorter = { ...CONTEXT, retentionDays: 30 };
      expect(problems({ ...VALID, timestamp: at(NOW.getTime() - 31 * DAY) }, shorter)).toEqual([
        `${INVALID} /events/3/timestamp`,
      ]);
      expect(DEFAULT_RETENTION_DAYS).toBe(400);
    });
  });

  describe('optional fields', () => {
    const limits = { build: 64, platform: 32, device: 64, osVersion: 32 };

    it.each(Object.entries(limits))(
      'takes a %s of up to %i characters and refuses a longer one',
      (field, limit) => {
        expect(accepted({ ...VALID, [field]: 'x'.repeat(limit) }).event).toHaveProperty(
          field,
          'x'.repeat(limit),
        );
        expect(checkEvent({ ...VALID, [field]: 'x'.repeat(limit + 1) }, 3, CONTEXT)).toEqual([
          {
            code: INVALID,
            detail: `'${field}' must be a string of at most ${limit} characters`,
            source: { pointer: `/events/3/${field}` },
          },
        ]);
      },
    );

    it.each(Object.keys(limits))('refuses a %s that is not a string, and leaves a null one out', (field) => {
      expect(problems({ ...VALID, [field]: 17 })).toEqual([`${INVALID} /events/3/${field}`]);
      expect(accepted({ ...VALID, [field]: null }).event).not.toHaveProperty(field);
    });
  });

  describe('the clock-skew correction', () => {
    it('shifts the timestamp by the skew, so a device clock 2 h fast dates events right', () => {
      const fastDevice = { ...CONTEXT, skewMs: -2 * HOUR };
      expect(accepted({ ...VALID, timestamp: '2023-10-05T14:00:00Z' }, fastDevice).event.occurredAt).toBe(
        '2023-10-05T12:00:00.000Z',
      );
      const slowDevice = { ...CONTEXT, skewMs: 90 * 60_000 };
      expect(
        accepted({ ...VALID, timestamp: '2023-10-05T23:30:00-02:00' }, slowDevice).event.occurredAt,
      ).toBe('2023-10-06T03:00:00.000Z');
    });

    it('judges the future and the retention period on the corrected time', () => {
      const ahead = '2023-10-06T14:00:00Z'; // 26 h ahead by the device's clock
      expect(problems({ ...VALID, timestamp: ahead })).toEqual([`${INVALID} /events/3/timestamp`]);
      expect(
        accepted({ ...VALID, timestamp: ahead }, { ...CONTEXT, skewMs: -26 * HOUR }).event.occurredAt,
      ).toBe('2023-10-05T12:00:00.000Z');
      const behind = at(NOW.getTime() - 401 * DAY);
      expect(
        accepted({ ...VALID, timestamp: behind }, { ...CONTEXT, skewMs: 2 * DAY }).event.occurredAt,
      ).toBe(at(NOW.getTime() - 399 * DAY));
      expect(problems({ ...VALID, timestamp: VALID.timestamp }, { ...CONTEXT, skewMs: 401 * DAY })).toEqual([
        `${INVALID} /events/3/timestamp`,
      ]);
    });
  });
});

describe('skewFromSentAt', () => {
  const received = new Date('2023-10-05T12:00:00.000Z');

  it('is the receive time minus sentAt, in milliseconds', () => {
    expect(skewFromSentAt('2023-10-05T14:00:00Z', received)).toBe(-2 * HOUR);
    expect(skewFromSentAt('2023-10-05T11:59:58.500Z', received)).toBe(1500);
    expect(skewFromSentAt('2023-10-05T13:00:00+01:00', received)).toBe(0);
  });

  it('is zero without sentAt', () => {
    expect(skewFromSentAt(undefined, received)).toBe(0);
    expect(skewFromSentAt(null, received)).toBe(0);
  });

  it.each([
    ['without an offset', '2023-10-05T12:00:00'],
    ['a number', 1696507200000],
    ['free text', 'now'],
    ['a day that does not exist', '2023-02-30T12:00:00Z'],
    ['an empty string', ''],
  ])('refuses a sentAt %s, pointing at /sentAt', (_what, sentAt) => {
    expect(skewFromSentAt(sentAt, received)).toEqual({
      code: INVALID,
      detail: "'sentAt' must be an ISO 8601 instant with an offset, like 2023-10-05T12:00:00Z",
      source: { pointer: '/sentAt' },
    });
  });
});

describe('parseInstant', () => {
  /** The same check made with a Date: the calendar date it gives back is the one written. */
  const writtenDateExists = (year: number, month: number, day: number) => {
    const calendar = new Date(0);
    // setUTCFullYear, not Date.UTC, which reads the years 0-99 as 1900-1999.
    calendar.setUTCFullYear(year, month - 1, day);
    return calendar.getUTCMonth() + 1 === month && calendar.getUTCDate() === day;
  };

  it('accepts exactly the dates that exist, leap days by the Gregorian rule, as a Date would tell', () => {
    const pad = (value: number, width: number) => String(value).padStart(width, '0');
    let checked = 0;
    for (const year of [0, 4, 100, 400, 1900, 1970, 2000, 2023, 2024, 2100, 9999])
      for (let month = 0; month <= 13; month++)
        for (let day = 0; day <= 32; day++) {
          const text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T12:00:00Z`;
          const parsed = parseInstant(text);
          const exists = month >= 1 && month <= 12 && day >= 1 && writtenDateExists(year, month, day);
          expect(parsed !== undefined, text).toBe(exists);
          if (parsed !== undefined) expect(parsed).toBe(Date.parse(text));
          checked++;
        }
    expect(checked).toBe(11 * 14 * 33);
  });

  it('reads the date before an offset that moves the instant to another day', () => {
    expect(parseInstant('2024-02-29T23:30:00-05:00')).toBe(Date.parse('2024-03-01T04:30:00Z'));
    expect(parseInstant('2023-02-29T23:30:00-05:00')).toBeUndefined();
  });
});
