import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLE_BASE_URL, createHarness, type Harness } from '../support/harness.js';

/**
 * The endpoint page's two examples (test/fixtures/spec/seed-read-beta-tester-metrics-for-an-app.md), read from
 * the page itself, against the demo data that reproduces them: same bytes, member order included.
 */

const PAGE = readFileSync(
  new URL('../fixtures/spec/seed-read-beta-tester-metrics-for-an-app.md', import.meta.url),
  'utf8',
);
const LOCAL_BASE_URL = 'http://127.0.0.1:8080';

interface MetricsBody {
  data: Array<{ dimensions: { betaTesters: { data: { id: string } } } }>;
  links: { self: string; next?: string };
  meta: { paging: { total: number; limit: number } };
}

interface PageExample {
  readonly request: string;
  readonly response: MetricsBody;
}

/** Each "Example Request and Response" section holds two fenced blocks: the request URL, then the body. */
function pageExamples(markdown: string): PageExample[] {
  return markdown
    .split(/^### Example Request and Response$/m)
    .slice(1)
    .map((section) => {
      const blocks = [...section.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)].map((match) => match[1] ?? '');
      const [request, response] = blocks;
      if (request === undefined || response === undefined) throw new Error('an example lacks a block');
      // The second example is typeset with typographic quotes.
      return { request: request.trim(), response: JSON.parse(response.replace(/[“”]/g, '"')) as MetricsBody };
    });
}

const EXAMPLES = pageExamples(PAGE);
const pathAndQuery = (link: string) => {
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
};
const testerIds = (body: MetricsBody) => body.data.map((item) => item.dimensions.betaTesters.data.id);

describe('the page', () => {
  it('has two examples, each a request on Apple and a metrics body', () => {
    expect(EXAMPLES).toHaveLength(2);
    for (const example of EXAMPLES) {
      expect(example.request.startsWith(`${APPLE_BASE_URL}/v1/apps/`)).toBe(true);
      expect(example.response.data.length).toBeGreaterThan(0);
    }
  });
});

describe('200: the page examples, byte for byte', () => {
  let apple: Harness;
  let local: Harness;
  beforeAll(async () => {
    apple = await createHarness({ demo: true });
    local = await createHarness({ demo: true, baseUrl: LOCAL_BASE_URL });
  });
  afterAll(async () => {
    await apple?.close();
    await local?.close();
  });

  it.each(EXAMPLES.map((example, index) => [index + 1, example] as const))(
    'example %i, links on Apple’s base URL',
    async (_n, example) => {
      const response = await apple.get(pathAndQuery(example.request));
      expect(response.statusCode, response.body).toBe(200);
      const actual: unknown = response.json();
      expect(JSON.stringify(actual)).toBe(JSON.stringify(example.response));
    },
  );

  it.each(EXAMPLES.map((example, index) => [index + 1, example] as const))(
    'example %i, links on a configured base URL',
    async (_n, example) => {
      const response = await local.get(pathAndQuery(example.request));
      expect(response.statusCode, response.body).toBe(200);
      const actual = response.json<MetricsBody>();
      expect(actual.links.self.startsWith(`${LOCAL_BASE_URL}/v1/apps/`)).toBe(true);
      const text = JSON.stringify(actual);
      expect(text).not.toContain(APPLE_BASE_URL);
      expect(text.replaceAll(LOCAL_BASE_URL, APPLE_BASE_URL)).toBe(JSON.stringify(example.response));
    },
  );

  it("following the first example's links.next gives the next testers of the same total", async () => {
    const [first] = EXAMPLES;
    if (first === undefined) throw new Error('the page has no first example');
    const page = (await apple.get(pathAndQuery(first.request))).json<MetricsBody>();
    const next = page.links.next;
    if (next === undefined) throw new Error('the first page has no next link');

    const response = await apple.get(pathAndQuery(next));
    expect(response.statusCode, response.body).toBe(200);
    const second = response.json<MetricsBody>();
    const firstIds = testerIds(first.response);
    const secondIds = testerIds(second);
    expect(secondIds).toHaveLength(first.response.meta.paging.limit);
    expect(secondIds.filter((id) => firstIds.includes(id))).toEqual([]);
    // Ordered by tester id (docs/apple-behavior.md, §3): the second page continues where the first stopped.
    expect([...secondIds].sort()).toEqual(secondIds);
    expect((secondIds[0] ?? '') > (firstIds.at(-1) ?? '')).toBe(true);
    expect(second.meta.paging).toEqual(first.response.meta.paging);
    expect(second.meta.paging.total).toBe(931);
  });
});
