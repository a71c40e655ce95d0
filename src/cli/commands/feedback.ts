import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CrashFeedbackWithLog, ScreenshotFeedbackRecord } from '../../domain/records/feedback.js';
import { visibleText } from '../../domain/visible-text.js';
import { InputError } from '../../services/input-error.js';
import {
  type AttributeOption,
  attributesFrom,
  repeated,
  sizedImage,
  withAttributeOptions,
} from '../attribute-options.js';
import { type CliDeps, withRuntime } from '../cli-deps.js';
import { formatTable } from '../output.js';
import { type StoreFlags, withJsonOption, withStoreOptions } from '../store-options.js';

/**
 * Apple's attributes of a feedback submission (BetaFeedbackScreenshotSubmission and
 * BetaFeedbackCrashSubmission share them), as `feedback screenshot` and `feedback crash` take them.
 */
const SUBMISSION_ATTRIBUTES: readonly AttributeOption[] = [
  { flag: '--id', field: 'id', type: 'text', description: 'its id (default: a new UUID)' },
  { flag: '--build', field: 'buildId', type: 'text', description: "the build's id ('builds list')" },
  { flag: '--tester', field: 'testerId', type: 'text', description: "the tester's id ('testers list')" },
  { flag: '--created-date', field: 'createdDate', type: 'text', description: 'createdDate (default: now)' },
  { flag: '--comment', field: 'comment', type: 'text', description: "the tester's comment" },
  { flag: '--email', field: 'email', type: 'text', description: "the tester's email as sent" },
  { flag: '--device-model', field: 'deviceModel', type: 'text', description: 'deviceModel, like iPhone15_2' },
  { flag: '--os-version', field: 'osVersion', type: 'text', description: 'osVersion' },
  { flag: '--locale', field: 'locale', type: 'text', description: 'locale, like en-US' },
  { flag: '--time-zone', field: 'timeZone', type: 'text', description: 'timeZone, like Europe/Paris' },
  { flag: '--architecture', field: 'architecture', type: 'text', description: 'architecture, like arm64e' },
  {
    flag: '--connection-type',
    field: 'connectionType',
    type: 'text',
    description: 'connectionType: WIFI, MOBILE_DATA, WIRE or NONE',
  },
  { flag: '--paired-apple-watch', field: 'pairedAppleWatch', type: 'text', description: 'pairedAppleWatch' },
  { flag: '--app-uptime', field: 'appUptimeInMilliseconds', type: 'integer', description: 'appUptime (ms)' },
  {
    flag: '--disk-available',
    field: 'diskBytesAvailable',
    type: 'integer',
    description: 'diskBytesAvailable',
  },
  { flag: '--disk-total', field: 'diskBytesTotal', type: 'integer', description: 'diskBytesTotal' },
  {
    flag: '--battery',
    field: 'batteryPercentage',
    type: 'integer',
    description: 'batteryPercentage (0-100)',
  },
  {
    flag: '--screen-width',
    field: 'screenWidthInPoints',
    type: 'integer',
    description: 'screenWidthInPoints',
  },
  {
    flag: '--screen-height',
    field: 'screenHeightInPoints',
    type: 'integer',
    description: 'screenHeightInPoints',
  },
  { flag: '--app-platform', field: 'appPlatform', type: 'text', description: 'appPlatform: IOS, MAC_OS ...' },
  {
    flag: '--device-platform',
    field: 'devicePlatform',
    type: 'text',
    description: 'devicePlatform: IOS, MAC_OS ...',
  },
  {
    flag: '--device-family',
    field: 'deviceFamily',
    type: 'text',
    description: 'deviceFamily: IPHONE, IPAD ...',
  },
  { flag: '--build-bundle-id', field: 'buildBundleId', type: 'text', description: 'buildBundleId' },
];

const SCREENSHOT_OPTION = '--screenshot <url:width:height>';

/**
 * `feedback screenshot | crash | delete | list`: an app's TestFlight feedback, as Apple's betaFeedbackScreenshotSubmissions,
 * betaFeedbackCrashSubmissions and betaCrashLogs serve it (docs/apple-behavior.md, §11).
 */
export function feedbackCommand(program: Command, deps: CliDeps): void {
  const feedback = program.command('feedback').description("record and list an app's tester feedback");

  const screenshot = feedback
    .command('screenshot')
    .description('record a screenshot feedback submission')
    .requiredOption('--app <appId>', 'the app id')
    .option(SCREENSHOT_OPTION, 'a screenshot as URL:WIDTH:HEIGHT (repeat for more)', repeated);
  withAttributeOptions(screenshot, SUBMISSION_ATTRIBUTES);
  withJsonOption(withStoreOptions(screenshot)).action(
    async (flags: StoreFlags & { app: string; screenshot?: string[] }) => {
      await withRuntime(deps, flags, async ({ services }) => {
        const made = await services.feedback.createScreenshot({
          ...attributesFrom(flags, SUBMISSION_ATTRIBUTES),
          appId: flags.app,
          screenshots: (flags.screenshot ?? []).map((text) => sizedImage('--screenshot', text)),
        });
        if (flags.json) deps.out.json(made);
        else
          deps.out.line(
            visibleText(
              `Recorded screenshot feedback ${made.id} of app ${made.appId} with ${made.screenshots.length} screenshots.`,
            ),
          );
      });
    },
  );

  const crash = feedback
    .command('crash')
    .description('record a crash feedback submission, with its crash log')
    .requiredOption('--app <appId>', 'the app id')
    .option('--log-file <path>', 'the crash log, read from this file')
    .option('--crash-log-id <id>', "the crash log's id (default: a new UUID)");
  withAttributeOptions(crash, SUBMISSION_ATTRIBUTES);
  withJsonOption(withStoreOptions(crash)).action(
    async (flags: StoreFlags & { app: string; logFile?: string; crashLogId?: string }) => {
      const crashLog = flags.logFile === undefined ? undefined : await logText(flags.logFile);
      await withRuntime(deps, flags, async ({ services }) => {
        const made = await services.feedback.createCrash({
          ...attributesFrom(flags, SUBMISSION_ATTRIBUTES),
          appId: flags.app,
          ...(crashLog !== undefined && { crashLog }),
          ...(flags.crashLogId !== undefined && { crashLogId: flags.crashLogId }),
        });
        if (flags.json) deps.out.json(made);
        else
          deps.out.line(
            visibleText(
              `Recorded crash feedback ${made.id} of app ${made.appId}${made.crashLog === null ? ' without a crash log' : `, crash log ${made.crashLog.id}`}.`,
            ),
          );
      });
    },
  );

  // betaFeedbackScreenshotSubmissions_ and betaFeedbackCrashSubmissions_deleteInstance
  const remove = feedback
    .command('delete')
    .description('delete a feedback submission (a crash one with its crash log, unless another names it)')
    .argument('<id>', 'the submission id')
    .requiredOption('--kind <kind>', 'screenshot or crash');
  withJsonOption(withStoreOptions(remove)).action(
    async (id: string, flags: StoreFlags & { kind: string }) => {
      if (flags.kind !== 'screenshot' && flags.kind !== 'crash')
        throw new InputError(`--kind takes screenshot or crash, not '${flags.kind}'`);
      await withRuntime(deps, flags, async ({ services }) => {
        if (flags.kind === 'screenshot') await services.feedback.deleteScreenshot(id);
        else await services.feedback.deleteCrash(id);
        if (flags.json) deps.out.json({ id, kind: flags.kind, deleted: true });
        else deps.out.line(visibleText(`Deleted ${flags.kind} feedback ${id}.`));
      });
    },
  );

  const list = feedback
    .command('list')
    .description("list an app's feedback submissions, newest first")
    .requiredOption('--app <appId>', 'the app id')
    .option('--kind <kind>', 'screenshot, crash or all', 'all');
  withJsonOption(withStoreOptions(list)).action(async (flags: StoreFlags & { app: string; kind: string }) => {
    if (!['screenshot', 'crash', 'all'].includes(flags.kind))
      throw new InputError(`--kind takes screenshot, crash or all, not '${flags.kind}'`);
    await withRuntime(deps, flags, async ({ services }) => {
      const screenshots = flags.kind === 'crash' ? [] : await services.feedback.listScreenshots(flags.app);
      const crashes = flags.kind === 'screenshot' ? [] : await services.feedback.listCrashes(flags.app);
      if (flags.json) {
        deps.out.json({ screenshots, crashes });
        return;
      }
      const rows = [...screenshots.map(screenshotRow), ...crashes.map(crashRow)].sort((a, b) =>
        (b[2] ?? '').localeCompare(a[2] ?? ''),
      );
      if (rows.length === 0)
        deps.out.line(
          `App ${flags.app} has no feedback yet; record some with 'beta-metrics feedback screenshot' or 'feedback crash'.`,
        );
      else deps.out.line(formatTable(['ID', 'KIND', 'CREATED', 'BUILD', 'TESTER', 'COMMENT'], rows));
    });
  });
}

function screenshotRow(submission: ScreenshotFeedbackRecord): string[] {
  return [
    submission.id,
    `screenshot (${submission.screenshots.length})`,
    submission.createdDate,
    submission.buildId ?? '',
    submission.testerId ?? '',
    excerpt(submission.comment),
  ];
}

function crashRow(submission: CrashFeedbackWithLog): string[] {
  return [
    submission.id,
    submission.crashLog === null ? 'crash' : 'crash + log',
    submission.createdDate,
    submission.buildId ?? '',
    submission.testerId ?? '',
    excerpt(submission.comment),
  ];
}

/** A comment on one table line: its first 40 characters, without line breaks. */
function excerpt(comment: string | null): string {
  if (comment === null) return '';
  const line = comment.replace(/\s+/g, ' ');
  return line.length > 40 ? `${line.slice(0, 39)}…` : line;
}

async function logText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError(
      `cannot read the crash log '${path}' (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}); give a readable text file`,
    );
  }
}
