import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { newEventId } from '../src/ingest-client/new-event-id.js';
import { INGEST_BUILD } from './fixture.js';
import { closeIdleConnections, send } from './http-client.js';
import type { BenchStore } from './options.js';
import { REPORT_DAY } from './workload.js';

export const BATCH_EVENTS = 1000;
export const SENDERS = 4;

/**
 * Where a source's event ids come from: `client`, as beta-metrics/ingest makes them (time-ordered, version 7
 * UUIDs); `random`, random version 4 UUIDs, as other senders may make them.
 */
export type EventIds = 'client' | 'random';

/**
 * When a source's events happened. `capture`: as beta-metrics/ingest stamps and sends them, each at the moment
 * it is tracked (the moment its time-ordered id carries too) and in that order: here each event a millisecond
 * after the one before, from the report day's midnight. `spread`: each batch across 1,000 seconds of the
 * report day's first 12 hours, the whole span again every 43,200 events, as this bench sent them until
 * 2026-12-07: out of order, as from senders whose queues were held back for hours. Out of order, each batch
 * lands at a thousand places in the events' by-time index (`usage_events_by_app_time`), which on SQLite costs
 * a third of the rate once the day holds a million events (BENCHMARKS.md, "Ingestion's timestamps").
 */
export type EventTimes = 'capture' | 'spread';

const REPORT_DAY_START = Date.parse(`${REPORT_DAY}T00:00:00.000Z`);
/** Both kinds of timestamps stay in the report day's first 12 hours: before the server's `--now` (noon). */
const HALF_DAY_SECONDS = 43_200;

function spreadTime(n: number): string {
  const second = n % HALF_DAY_SECONDS;
  const time = `${String(Math.floor(second / 3600)).padStart(2, '0')}:${String(Math.floor((second % 3600) / 60)).padStart(2, '0')}:${String(second % 60).padStart(2, '0')}`;
  return `${REPORT_DAY}T${time}.000Z`;
}

function captureTime(n: number): string {
  return new Date(REPORT_DAY_START + (n % (HALF_DAY_SECONDS * 1000))).toISOString();
}

/** A stream of fresh events for one app, dated on the report day. */
export class EventSource {
  private serial = 0;
  private readonly newId: () => string;
  constructor(
    private readonly appId: string,
    private readonly testerIds: readonly string[],
    readonly ids: EventIds = 'client',
    readonly times: EventTimes = 'capture',
  ) {
    this.newId = ids === 'client' ? () => newEventId() : randomUUID;
  }

  /** One event's fields after its id, as JSON, and as the row ingestion stores. */
  private next(): { id: string; json: string; row: unknown[] } {
    const n = this.serial++;
    const testerId = this.testerIds[(n * 7919) % this.testerIds.length] as string;
    const type = n % 200 === 0 ? 'crash' : n % 333 === 0 ? 'feedback' : 'session';
    const timestamp = this.times === 'capture' ? captureTime(n) : spreadTime(n);
    const id = this.newId();
    const json = `{"id":"${id}","type":"${type}","appId":"${this.appId}","testerId":"${testerId}","timestamp":"${timestamp}","build":"${INGEST_BUILD}","platform":"IOS","device":"iPhone15,2","osVersion":"18.5"}`;
    const row = [
      id,
      this.appId,
      testerId,
      type,
      timestamp,
      REPORT_DAY,
      '152',
      'IOS',
      'iPhone15,2',
      '18.5',
      new Date().toISOString(),
    ];
    return { id, json, row };
  }

  body(events = BATCH_EVENTS): string {
    const parts: string[] = [];
    for (let i = 0; i < events; i++) parts.push(this.next().json);
    return `{"events":[${parts.join(',')}]}`;
  }

  rows(events = BATCH_EVENTS): unknown[][] {
    const rows: unknown[][] = [];
    for (let i = 0; i < events; i++) rows.push(this.next().row);
    return rows;
  }
}

/**
 * `senders` clients at once, each posting batches of 1,000 fresh events one after the other (keep-alive) to the
 * `urls` in turn, for `seconds`. Every batch must be answered 200 with all its events accepted. Events per
 * second, counted from the first request to the last answer.
 */
export async function ingestOverHttp(
  urls: readonly string[],
  ingestKey: string,
  source: EventSource,
  seconds: number,
  senders = SENDERS,
): Promise<number> {
  const headers = { authorization: `Bearer ${ingestKey}`, 'content-type': 'application/json' };
  closeIdleConnections();
  const started = performance.now();
  const end = started + seconds * 1000;
  let accepted = 0;
  const sender = async (index: number) => {
    const url = `${urls[index % urls.length]}/ingest/v1/events`;
    while (performance.now() < end) {
      const answer = await send('POST', url, headers, source.body());
      if (answer.status !== 200)
        throw new Error(`ingest: ${answer.status} ${answer.body.toString().slice(0, 300)}`);
      const result = JSON.parse(answer.body.toString()) as { accepted: number; duplicates: number };
      if (result.accepted !== BATCH_EVENTS) throw new Error(`ingest: ${JSON.stringify(result)}`);
      accepted += result.accepted;
    }
  };
  await Promise.all(Array.from({ length: senders }, (_, i) => sender(i)));
  return accepted / ((performance.now() - started) / 1000);
}

const COLUMNS =
  'id, app_id, tester_id, type, occurred_at, day, build, platform, device, os_version, received_at';

/**
 * The store's limit: the same rows inserted straight into usage_events, one transaction of 1,000 rows each
 * (durable commits, duplicates skipped by the primary key as ingestion does), nothing else: no HTTP, no
 * validation, no rollups. SQLite has one writer; PostgreSQL gets `SENDERS` connections at once.
 */
export async function rawInserts(target: BenchStore, source: EventSource, seconds: number): Promise<number> {
  if (!('databaseUrl' in target.location)) {
    const db = new Database(join(resolve(target.location.dataDir), 'beta-metrics.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    const insert = db.prepare(
      `insert into usage_events (${COLUMNS}) values ${Array(BATCH_EVENTS).fill('(?,?,?,?,?,?,?,?,?,?,?)').join(',')} on conflict do nothing`,
    );
    const write = db.transaction((rows: unknown[][]) => insert.run(rows.flat()));
    try {
      const started = performance.now();
      const end = started + seconds * 1000;
      let written = 0;
      while (performance.now() < end) {
        const rows = source.rows();
        write(rows);
        written += rows.length;
      }
      return written / ((performance.now() - started) / 1000);
    } finally {
      db.close();
    }
  }
  const pool = new pg.Pool({ connectionString: target.location.databaseUrl, max: SENDERS });
  const placeholders = Array.from(
    { length: BATCH_EVENTS },
    (_, row) => `(${Array.from({ length: 11 }, (_, column) => `$${row * 11 + column + 1}`).join(',')})`,
  ).join(',');
  try {
    const started = performance.now();
    const end = started + seconds * 1000;
    let written = 0;
    const writer = async () => {
      const client = await pool.connect();
      try {
        while (performance.now() < end) {
          const rows = source.rows();
          await client.query('begin');
          await client.query(
            `insert into usage_events (${COLUMNS}) values ${placeholders} on conflict do nothing`,
            rows.flat(),
          );
          await client.query('commit');
          written += rows.length;
        }
      } finally {
        client.release();
      }
    };
    await Promise.all(Array.from({ length: SENDERS }, writer));
    return written / ((performance.now() - started) / 1000);
  } finally {
    await pool.end();
  }
}
