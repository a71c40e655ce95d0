import { type Command, Option } from 'commander';
import { dashboardLoginUrl, LOGIN_LINK_TTL_MS, SESSION_TTL_MS } from '../../services/dashboard-sessions.js';
import { type CliDeps, withRuntime } from '../cli-deps.js';
import { DEFAULT_LISTEN, parsePublicUrl } from '../option-parsers.js';
import { type StoreFlags, withJsonOption, withStoreOptions } from '../store-options.js';

interface DashboardLinkFlags extends StoreFlags {
  publicUrl?: string;
}

/**
 * `dashboard-link`: a one-time sign-in link to the dashboard. The link is made in the store, so any server on
 * the same store (one node or many) accepts it; the server need not run yet.
 */
export function dashboardLinkCommand(program: Command, deps: CliDeps): void {
  const command = program
    .command('dashboard-link')
    .description(
      `print a link that signs you in to the dashboard, once, within ${LOGIN_LINK_TTL_MS / 60_000} minutes`,
    )
    .addOption(
      new Option(
        '--public-url <url>',
        `the server's address as your browser reaches it, as serve's --public-url (default: http://${DEFAULT_LISTEN})`,
      ).env('BETA_METRICS_PUBLIC_URL'),
    );
  withJsonOption(withStoreOptions(command)).action(async (flags: DashboardLinkFlags) => {
    const base = parsePublicUrl(flags.publicUrl ?? `http://${DEFAULT_LISTEN}`);
    const link = await withRuntime(deps, flags, (runtime) =>
      runtime.services.dashboardSessions.createLoginLink(),
    );
    const url = dashboardLoginUrl(base, link.token);
    if (flags.json) {
      deps.out.json({ url, expiresAt: link.expiresAt });
      return;
    }
    deps.out.line(url);
    deps.out.line(
      `Open it in your browser before ${link.expiresAt}; it signs you in once (a session lasts ${SESSION_TTL_MS / 3_600_000} hours).`,
    );
  });
}
