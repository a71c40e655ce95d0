import { writeFileSync } from 'node:fs';

/** Headers Node writes itself, on bare node:http's answers as on the server's: not copied. */
const WRITTEN_BY_NODE = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

/**
 * Writes the server's answer for bare node:http to send again (bare-server.ts): its body to `bodyFile` and its
 * headers, those Node does not write itself, in the order sent, to a file beside it. Returns bare-server's
 * arguments after the port. Before, bare sent the body with a content type and a length only, two headers
 * fewer than Apple's answer (BENCHMARKS.md, "The same bytes, headers included").
 */
export function writeBareAnswer(
  bodyFile: string,
  answer: { readonly raw: Uint8Array; readonly rawHeaders: readonly string[] },
): string[] {
  const headers: string[] = [];
  for (let at = 0; at + 1 < answer.rawHeaders.length; at += 2) {
    const name = answer.rawHeaders[at] as string;
    if (!WRITTEN_BY_NODE.has(name.toLowerCase())) headers.push(name, answer.rawHeaders[at + 1] as string);
  }
  const headersFile = `${bodyFile}.headers.json`;
  writeFileSync(bodyFile, answer.raw);
  writeFileSync(headersFile, JSON.stringify(headers));
  return [bodyFile, headersFile];
}
