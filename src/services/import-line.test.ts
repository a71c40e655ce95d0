import { describe, expect, it } from 'vitest';
import { parseImportLine } from './import-line.js';

const EVENT = {
  id: 'ev-1',
  type: 'session',
  appId: '100',
  testerId: 't-1',
  timestamp: '2023-10-01T10:00:00Z',
};

describe('parseImportLine', () => {
  it('skips blank lines', () => {
    expect(parseImportLine('')).toEqual({ kind: 'blank' });
    expect(parseImportLine('  \t ')).toEqual({ kind: 'blank' });
  });

  it('reads an app line, without the defaults the service fills in', () => {
    expect(
      parseImportLine('{"kind":"app","id":"100","name":"Nightjar","bundleId":"com.example.nightjar"}'),
    ).toEqual({ kind: 'app', app: { id: '100', name: 'Nightjar', bundleId: 'com.example.nightjar' } });
    expect(
      parseImportLine(
        '{"kind":"app","id":"100","name":"N","bundleId":"com.example.n","sku":"SKU1","primaryLocale":"fr-FR"}',
      ),
    ).toEqual({
      kind: 'app',
      app: { id: '100', name: 'N', bundleId: 'com.example.n', sku: 'SKU1', primaryLocale: 'fr-FR' },
    });
  });

  it('reads a tester line; null names are absent', () => {
    expect(
      parseImportLine(
        '{"kind":"tester","appId":"100","id":"t-1","email":"ada@example.com","firstName":"Ada","lastName":null}',
      ),
    ).toEqual({
      kind: 'tester',
      tester: { appId: '100', id: 't-1', email: 'ada@example.com', firstName: 'Ada' },
    });
    expect(parseImportLine('{"kind":"tester","appId":"100","email":"b@example.com"}')).toEqual({
      kind: 'tester',
      tester: { appId: '100', email: 'b@example.com' },
    });
  });

  it('reads a line without kind, or of kind "event", as an event, dropping kind', () => {
    expect(parseImportLine(JSON.stringify(EVENT))).toEqual({ kind: 'event', event: EVENT });
    expect(parseImportLine(JSON.stringify({ kind: 'event', ...EVENT }))).toEqual({
      kind: 'event',
      event: EVENT,
    });
    // Its fields are judged by ingestion's rules, not here: an event with a bad type is still an event line.
    expect(parseImportLine('{"id":"x","type":"swipe"}')).toEqual({
      kind: 'event',
      event: { id: 'x', type: 'swipe' },
    });
  });

  it('rejects lines that are not JSON objects, as event lines', () => {
    expect(parseImportLine('{"id":')).toMatchObject({
      kind: 'invalid',
      record: 'event',
      reason: expect.stringMatching(/^not JSON \(.+\)$/),
    });
    expect(parseImportLine('[1,2]')).toEqual({
      kind: 'invalid',
      record: 'event',
      reason: 'not a JSON object',
    });
    expect(parseImportLine('"app"')).toEqual({
      kind: 'invalid',
      record: 'event',
      reason: 'not a JSON object',
    });
  });

  it('rejects an unknown kind rather than reading it as an event', () => {
    expect(parseImportLine('{"kind":"testr","appId":"100","email":"a@example.com"}')).toEqual({
      kind: 'invalid',
      record: 'event',
      reason: `'kind' must be "app", "tester", "preReleaseVersion", "build", "group", "screenshotFeedback", "crashFeedback", "screenshotContent" or "event" (or absent, for an event), not "testr"`,
    });
  });

  it('rejects app and tester lines with a missing, mistyped or unknown field', () => {
    expect(parseImportLine('{"kind":"app","id":"100","name":"N"}')).toEqual({
      kind: 'invalid',
      record: 'app',
      reason: "an app line needs 'bundleId'",
    });
    expect(parseImportLine('{"kind":"app","id":100,"name":"N","bundleId":"com.example.n"}')).toEqual({
      kind: 'invalid',
      record: 'app',
      reason: "'id' must be a string",
    });
    expect(parseImportLine('{"kind":"app","id":"1","name":"N","bundleID":"com.example.n"}')).toEqual({
      kind: 'invalid',
      record: 'app',
      reason: expect.stringMatching(
        /^'bundleID' is not a field of app lines; use id, name, bundleId, sku, primaryLocale, accessibilityUrl, .*allowUnknownBuilds$/,
      ),
    });
    expect(parseImportLine('{"kind":"tester","email":"a@example.com"}')).toEqual({
      kind: 'invalid',
      record: 'tester',
      reason: "a tester line needs 'appId'",
    });
    expect(
      parseImportLine('{"kind":"tester","appId":"1","email":"a@example.com","state":"INSTALLED"}'),
    ).toEqual({
      kind: 'invalid',
      record: 'tester',
      reason: "'state' is not a field of tester lines; use appId, id, email, firstName, lastName, appDevices",
    });
  });
});
