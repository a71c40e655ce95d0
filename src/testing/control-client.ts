import type { Fault } from '../http/faults/fault.js';
import type { FaultMatch, FaultRuleView, FaultWhen } from '../http/faults/fault-rules.js';
import type { JournalEntry } from '../services/request-journal.js';

/** One answered request of the journal (README, "Request journal"). */
export type { JournalEntry };

/** A fault rule as `POST /_beta-metrics/faults` takes it (README, "Faults on demand"). */
export interface FaultRule {
  readonly fault: Fault;
  readonly match?: FaultMatch;
  readonly when?: FaultWhen;
}

export interface JournalFilter {
  readonly operation?: string;
  readonly keyId?: string;
  readonly status?: number;
  readonly method?: string;
  readonly since?: number;
  readonly limit?: number;
}

/** The test controls of a running server, over its `/_beta-metrics/` routes. */
export interface ControlClient {
  readonly faults: {
    add(rule: FaultRule): Promise<FaultRuleView>;
    list(): Promise<FaultRuleView[]>;
    clear(): Promise<void>;
  };
  readonly journal: {
    /** Answered requests, oldest first (at most 1,000 per call; page with `since`). */
    entries(filter?: JournalFilter): Promise<JournalEntry[]>;
    clear(): Promise<void>;
  };
  readonly snapshot: {
    save(name: string): Promise<void>;
    restore(name: string): Promise<void>;
  };
}

/** A control call the server refused: its status and Apple-shaped error's detail. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(`beta-metrics answered ${status}: ${detail}`);
    this.name = 'ControlError';
  }
}

export function controlClient(baseUrl: string, token: () => Promise<string>): ControlClient {
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${baseUrl}/_beta-metrics/${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await token()}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) {
      const detail = (JSON.parse(text || '{}') as { errors?: Array<{ detail?: string }> }).errors?.[0]
        ?.detail;
      throw new ControlError(response.status, detail ?? text);
    }
    return text === '' ? undefined : JSON.parse(text);
  };
  const data = <T>(answer: unknown) => (answer as { data: T }).data;
  return {
    faults: {
      add: async (rule) =>
        data<FaultRuleView>(await call('POST', 'faults', { match: {}, when: {}, ...rule })),
      list: async () => data<FaultRuleView[]>(await call('GET', 'faults')),
      clear: async () => {
        await call('DELETE', 'faults');
      },
    },
    journal: {
      async entries(filter = {}) {
        const query = new URLSearchParams(
          Object.entries({ limit: 1000, ...filter }).map(([name, value]): [string, string] => [
            name,
            String(value),
          ]),
        );
        return data<JournalEntry[]>(await call('GET', `journal?${query}`));
      },
      clear: async () => {
        await call('DELETE', 'journal');
      },
    },
    snapshot: {
      save: async (name) => {
        await call('POST', 'snapshots', { name });
      },
      restore: async (name) => {
        await call('POST', `snapshots/${encodeURIComponent(name)}/restore`);
      },
    },
  };
}
