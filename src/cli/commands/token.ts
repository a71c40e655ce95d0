import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { InputError } from '../../services/input-error.js';
import { MAX_TOKEN_LIFETIME_SECONDS, signToken } from '../../services/token-signer.js';
import type { CliDeps } from '../cli-deps.js';
import { withJsonOption } from '../store-options.js';

interface TokenFlags {
  keyFile: string;
  keyId: string;
  issuerId?: string;
  ttl: string;
  scope?: string[];
  json?: boolean;
}

/** `token`: signs an ES256 token from a .p8 file, as an App Store Connect client would. Needs no store. */
export function tokenCommand(program: Command, deps: CliDeps): void {
  const command = program
    .command('token')
    .description('print a token signed with an AuthKey_<KEYID>.p8 file')
    .requiredOption('--key-file <file>', 'the AuthKey_<KEYID>.p8 file')
    .requiredOption('--key-id <keyId>', 'the Key ID')
    .option('--issuer-id <issuerId>', 'the Issuer ID (team keys; omit for an individual key)')
    .option(
      '--ttl <seconds>',
      `seconds until it expires, at most ${MAX_TOKEN_LIFETIME_SECONDS}`,
      String(MAX_TOKEN_LIFETIME_SECONDS),
    )
    .option('--scope <entry...>', "limit it to requests, e.g. 'GET /v1/apps'");
  withJsonOption(command).action(async (flags: TokenFlags) => {
    let privateKeyPem: string;
    try {
      privateKeyPem = await readFile(flags.keyFile, 'utf8');
    } catch (error) {
      throw new InputError(
        `cannot read ${flags.keyFile} (${(error as { code?: string }).code}); pass the .p8 file of the key`,
      );
    }
    const ttlSeconds = /^\d+$/.test(flags.ttl) ? Number(flags.ttl) : Number.NaN;
    const now = new Date();
    const token = await signToken({
      privateKeyPem,
      keyId: flags.keyId,
      ...(flags.issuerId !== undefined && { issuerId: flags.issuerId }),
      ttlSeconds,
      ...(flags.scope !== undefined && { scope: flags.scope }),
      now,
    });
    if (flags.json) {
      deps.out.json({ token, expiresAt: new Date(now.getTime() + ttlSeconds * 1000).toISOString() });
    } else {
      deps.out.line(token);
    }
  });
}
