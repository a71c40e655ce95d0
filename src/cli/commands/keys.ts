import { accessSync, constants } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { visibleText } from '../../domain/visible-text.js';
import { InputError } from '../../services/input-error.js';
import { type CliDeps, withRuntime } from '../cli-deps.js';
import { formatTable } from '../output.js';
import { type StoreFlags, withJsonOption, withStoreOptions } from '../store-options.js';

/** `keys create | list | revoke`: API keys as Apple's Users and Access page hands them out. */
export function keysCommand(program: Command, deps: CliDeps): void {
  const keys = program.command('keys').description('create, list and revoke API keys');

  const create = keys
    .command('create')
    .description('create an API key and write its private key to AuthKey_<KEYID>.p8 (mode 0600)')
    .requiredOption('--name <name>', 'what the key is for')
    .requiredOption(
      '--role <role>',
      'ADMIN, APP_MANAGER, DEVELOPER, MARKETING, SALES, FINANCE or CUSTOMER_SUPPORT',
    )
    .option('--individual', "an individual key: tokens carry sub 'user' and no issuer id")
    .option(
      '--testing',
      'the TESTING capability: its tokens may ask a server run with --allow-faults for faults on demand',
    )
    .option('--out <dir>', 'where to write the .p8 file', '.');
  withJsonOption(withStoreOptions(create)).action(
    async (
      flags: StoreFlags & {
        name: string;
        role: string;
        individual?: boolean;
        testing?: boolean;
        out: string;
      },
    ) => {
      const outDir = resolve(flags.out);
      try {
        accessSync(outDir, constants.W_OK);
      } catch {
        throw new InputError(`cannot write to ${outDir}; choose a writable directory with --out`);
      }
      await withRuntime(deps, flags, async ({ services }) => {
        const key = await services.apiKeys.create({
          name: flags.name,
          role: flags.role,
          individual: flags.individual === true,
          testing: flags.testing === true,
        });
        const keyFile = join(outDir, `AuthKey_${key.keyId}.p8`);
        try {
          await writeFile(keyFile, key.privateKeyPem, { mode: 0o600, flag: 'wx' });
        } catch (error) {
          // Without its private key the key is useless: take it back.
          await services.apiKeys.revoke(key.keyId);
          throw new InputError(
            `could not write ${keyFile} (${(error as { code?: string }).code}); the key was revoked`,
          );
        }
        if (flags.json) {
          deps.out.json({ keyId: key.keyId, issuerId: key.issuerId ?? null, keyFile, testing: key.testing });
          return;
        }
        deps.out.line(
          `Created ${key.kind === 'TEAM' ? 'team' : 'individual'} key "${visibleText(key.name)}" (${key.role}${key.testing ? ', TESTING' : ''}).`,
        );
        if (key.issuerId !== undefined) deps.out.line(`Issuer ID: ${key.issuerId}`);
        deps.out.line(`Key ID:    ${key.keyId}`);
        deps.out.line(`Private key: ${keyFile} (written once; beta-metrics keeps only the public key)`);
        const issuer = key.issuerId === undefined ? '' : ` --issuer-id ${key.issuerId}`;
        deps.out.line(`A token: beta-metrics token --key-file ${keyFile} --key-id ${key.keyId}${issuer}`);
      });
    },
  );

  const list = keys.command('list').description('list API keys (public information only)');
  withJsonOption(withStoreOptions(list)).action(async (flags: StoreFlags) => {
    await withRuntime(deps, flags, async ({ services }) => {
      const all = await services.apiKeys.list();
      if (flags.json) {
        deps.out.json(
          all.map(({ keyId, name, role, kind, testing, createdAt, revokedAt }) => ({
            keyId,
            name,
            role,
            kind,
            testing,
            createdAt,
            revokedAt,
          })),
        );
        return;
      }
      if (all.length === 0) {
        deps.out.line(
          "No API keys yet; create one with 'beta-metrics keys create --name NAME --role ADMIN'.",
        );
        return;
      }
      deps.out.line(`Issuer ID: ${services.apiKeys.issuerId}`);
      deps.out.line(
        formatTable(
          ['KEY ID', 'NAME', 'ROLE', 'KIND', 'TESTING', 'CREATED', 'REVOKED'],
          all.map((k) => [
            k.keyId,
            k.name,
            k.role,
            k.kind,
            k.testing ? 'yes' : '',
            k.createdAt,
            k.revokedAt ?? '',
          ]),
        ),
      );
    });
  });

  const revoke = keys
    .command('revoke <keyId>')
    .description('revoke a key: its tokens are refused from now on');
  withJsonOption(withStoreOptions(revoke)).action(async (keyId: string, flags: StoreFlags) => {
    await withRuntime(deps, flags, async ({ services }) => {
      await services.apiKeys.revoke(keyId);
      const key = (await services.apiKeys.list()).find((candidate) => candidate.keyId === keyId);
      if (flags.json) deps.out.json({ keyId, revokedAt: key?.revokedAt ?? null });
      else deps.out.line(`Revoked ${keyId}: tokens signed with it are refused from now on.`);
    });
  });
}
