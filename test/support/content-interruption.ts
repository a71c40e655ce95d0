import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli, type ServerProcess, startServer } from './cli-process.js';
import { bearerToken, cliJson, createApiKey } from './operator-cli.js';
import { eventSubmissionId } from '../../src/domain/ids.js';
import { noisePng } from './png-bytes.js';

/**
 * Feedback content across a SIGKILL of the server, on the store `storeArgs` names (docs/feedback-content.md):
 * three senders each upload a screenshot of their own, then send a batch of a feedback event naming it (with a
 * comment) and a crash event (with a log); a fourth streams a large screenshot slowly, so an upload is surely in
 * its body when the server is killed. After a restart every acknowledged upload is stored whole and every
 * acknowledged batch's submissions are there, their screenshots served byte for byte and their logs word for
 * word; and no comment, log or screenshot byte ever reached the server's log lines.
 */

const APP = '5000000001';
const TESTER = 'content-tester';
/** Marks of the texts sent, to look for in the server's output. */
const COMMENT_MARK = 'comment-not-for-logs';
const LOG_MARK = 'crashlog-not-for-logs';

interface Acknowledged {
  readonly sha256: string;
  readonly bytes: Buffer;
  readonly batch?: number;
}

export function describeContentInterruption(
  storeArgs: () => Promise<{ args: string[]; drop(): Promise<void> }>,
): void {
  let dir: string;
  let store: { args: string[]; drop(): Promise<void> };
  let authorization: string;
  let ingestKey: string;
  let server: ServerProcess | undefined;
  const outputs: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'beta-metrics-content-kill-'));
    store = await storeArgs();
    const fixture = join(dir, 'fixture.ndjson');
    await writeFile(
      fixture,
      [
        { kind: 'app', id: APP, name: 'Screens', bundleId: 'com.example.screens' },
        { kind: 'tester', appId: APP, id: TESTER, email: 'screens@example.com' },
      ]
        .map((line) => JSON.stringify(line))
        .join('\n'),
    );
    const imported = await runCli(['import', fixture, ...store.args]);
    expect(imported.code, imported.stderr).toBe(0);
    authorization = await bearerToken(await createApiKey(store.args, dir, 'reader'));
    ingestKey = (await cliJson<{ key: string }>(['ingest-keys', 'create', '--app', APP, ...store.args])).key;
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await store?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const upload = async (base: string, bytes: Buffer) => {
    const response = await fetch(`${base}/ingest/v1/screenshots`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ingestKey}`, 'content-type': 'image/png' },
      body: bytes,
    });
    return { status: response.status, id: ((await response.json()) as { data?: { id?: string } }).data?.id };
  };
  const events = (batch: number, sha256: string) => ({
    events: [
      {
        id: `fb-${batch}`,
        type: 'feedback',
        appId: APP,
        testerId: TESTER,
        timestamp: new Date().toISOString(),
        comment: `${COMMENT_MARK} ${batch}`,
        details: { deviceModel: 'Pixel 8', locale: 'de-DE' },
        screenshots: [sha256],
      },
      {
        id: `cr-${batch}`,
        type: 'crash',
        appId: APP,
        testerId: TESTER,
        timestamp: new Date().toISOString(),
        crashLog: `${LOG_MARK} ${batch}\nThread 0 crashed`,
      },
    ],
  });

  /**
   * A screenshot of about 1 MiB sent in 64 KiB pieces 20 ms apart, but for its last piece, which is held back
   * until `release` resolves: the upload is surely in its body, unacknowledged, when the server dies. Resolves
   * with the status, or undefined when the connection broke.
   */
  const slowUpload = (base: string, bytes: Buffer, release: Promise<void>) =>
    new Promise<number | undefined>((resolve) => {
      const url = new URL('/ingest/v1/screenshots', base);
      const req = request(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${ingestKey}`,
          'content-type': 'image/png',
          'content-length': bytes.length,
        },
      });
      req.on('response', (response) => {
        response.resume();
        resolve(response.statusCode);
      });
      req.on('error', () => resolve(undefined));
      const last = bytes.length - 65_536;
      let offset = 0;
      const piece = () => {
        if (offset >= last) {
          void release.then(() => req.end(bytes.subarray(offset)));
          return;
        }
        const end = Math.min(offset + 65_536, last);
        req.write(bytes.subarray(offset, end));
        offset = end;
        setTimeout(piece, 20);
      };
      piece();
    });

  it('keeps every acknowledged upload and submission whole, and never logs content', async () => {
    server = await startServer(store.args);
    const killed = server;
    const acknowledged: Acknowledged[] = [];
    let batches = 0;
    let stopped = false;
    const sender = async () => {
      while (!stopped) {
        const batch = batches++;
        const bytes = await noisePng(48, 32);
        try {
          const uploaded = await upload(killed.baseUrl, bytes);
          expect([200, 201]).toContain(uploaded.status);
          const sha256 = String(uploaded.id);
          acknowledged.push({ sha256, bytes });
          const response = await fetch(`${killed.baseUrl}/ingest/v1/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${ingestKey}`, 'content-type': 'application/json' },
            body: JSON.stringify(events(batch, sha256)),
          });
          expect(response.status, await response.clone().text()).toBe(200);
          expect(await response.json()).toEqual({ accepted: 2, duplicates: 0 });
          acknowledged.push({ sha256, bytes, batch });
        } catch (error) {
          if (!stopped) throw error;
        }
      }
    };
    const senders = Promise.all([sender(), sender(), sender()]);
    // Large, and random, so it compresses to nothing smaller: about 1 MiB of PNG.
    const large = await noisePng(720, 400);
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const streaming = slowUpload(killed.baseUrl, large, released);
    while (acknowledged.filter((ack) => ack.batch !== undefined).length < 6)
      await new Promise((resolve) => setTimeout(resolve, 50));
    stopped = true;
    killed.child.kill('SIGKILL');
    release();
    await senders;
    // The premise: the large upload was still streaming when the server died, so it was never acknowledged.
    expect(await streaming).toBeUndefined();
    expect(await killed.exited).toBeNull();
    outputs.push(killed.output());

    server = await startServer(store.args);
    const restarted = server;
    const get = (path: string) => fetch(`${restarted.baseUrl}${path}`, { headers: { authorization } });

    // Every acknowledged upload is stored whole: the same bytes again are found, not stored anew.
    for (const { bytes } of acknowledged) expect((await upload(restarted.baseUrl, bytes)).status).toBe(200);
    // The interrupted one was not kept: it is new now.
    expect((await upload(restarted.baseUrl, large)).status).toBe(201);

    for (const { sha256, bytes, batch } of acknowledged) {
      if (batch === undefined) continue;
      const feedback = await get(
        `/v1/betaFeedbackScreenshotSubmissions/${eventSubmissionId(APP, `fb-${batch}`)}`,
      );
      expect(feedback.status, `the feedback of batch ${batch}`).toBe(200);
      const { attributes } = (
        (await feedback.json()) as {
          data: { attributes: { comment: string; screenshots: Array<{ url: string }> } };
        }
      ).data;
      expect(attributes.comment).toBe(`${COMMENT_MARK} ${batch}`);
      const image = await fetch(String(attributes.screenshots[0]?.url));
      expect(image.status).toBe(200);
      const served = Buffer.from(await image.arrayBuffer());
      expect(createHash('sha256').update(served).digest('hex')).toBe(sha256);
      expect(served.equals(bytes)).toBe(true);

      const log = await get(
        `/v1/betaFeedbackCrashSubmissions/${eventSubmissionId(APP, `cr-${batch}`)}/crashLog`,
      );
      expect(log.status, `the crash log of batch ${batch}`).toBe(200);
      expect(
        ((await log.json()) as { data: { attributes: { logText: string } } }).data.attributes.logText,
      ).toBe(`${LOG_MARK} ${batch}\nThread 0 crashed`);
    }
    outputs.push(restarted.output());

    // No content in any log line of either run: neither the texts nor a screenshot's bytes.
    const printed = outputs.join('\n');
    expect(printed).toContain('events ingested');
    expect(printed).not.toContain(COMMENT_MARK);
    expect(printed).not.toContain(LOG_MARK);
    for (const { bytes } of acknowledged)
      expect(printed).not.toContain(bytes.subarray(16, 64).toString('base64'));
  });
}
