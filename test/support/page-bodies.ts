import { readFileSync } from 'node:fs';

/**
 * The endpoint page's examples (test/fixtures/spec/seed-read-beta-tester-metrics-for-an-app.md), read from the
 * page itself, and the spec's documented shapes of the same bodies.
 */

export interface PageExample {
  /** The example request, on Apple's base URL. */
  readonly request: string;
  /** The body as JSON text (the second example's typographic quotes made straight). */
  readonly body: string;
}

const PAGE = readFileSync(
  new URL('../fixtures/spec/seed-read-beta-tester-metrics-for-an-app.md', import.meta.url),
  'utf8',
);

/** Each "Example Request and Response" section holds two fenced blocks: the request URL, then the body. */
export function pageExamples(): PageExample[] {
  return PAGE.split(/^### Example Request and Response$/m)
    .slice(1)
    .map((section) => {
      const blocks = [...section.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)].map((match) => match[1] ?? '');
      const [request, body] = blocks;
      if (request === undefined || body === undefined) throw new Error('an example lacks a block');
      // The second example is typeset with typographic quotes.
      return { request: request.trim(), body: body.replace(/[“”]/g, '"') };
    });
}

interface LiveItem {
  type: string;
  dataPoints: Array<{ start: string; end: string; values: Record<string, number> }>;
  dimensions: { betaTesters: { data: { type: string; id: string }; links: Record<string, string> } };
}

/**
 * The same metrics body in the shapes Apple's spec documents (docs/apple-behavior.md, §1): no `type`, `dataPoints`
 * one object (spec <= 4.2), `dimensions.betaTesters.data` a plain id, `start`/`end` date-times.
 */
export function documentedShape(liveBody: string): string {
  const body = JSON.parse(liveBody) as { data: LiveItem[]; links: unknown; meta: unknown };
  const data = body.data.map((item) => {
    const [point] = item.dataPoints;
    if (point === undefined) throw new Error('a live item without a data point');
    return {
      dataPoints: { start: `${point.start}T00:00:00Z`, end: `${point.end}T00:00:00Z`, values: point.values },
      dimensions: { betaTesters: { data: item.dimensions.betaTesters.data.id, links: {} } },
    };
  });
  return JSON.stringify({ data, links: body.links, meta: body.meta });
}

/** The path and query of a URL. */
export const pathAndQuery = (link: string) => {
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
};
