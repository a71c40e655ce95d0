import { expect, it } from 'vitest';
import { recordingDeps } from '../../test/support/cli-in-process.js';
import { buildProgram, COMMANDS } from './program.js';

/** Each entry of COMMANDS must declare the command of its name, or a line naming it would find no command. */
it('declares only the command a line starts with, under its name', async () => {
  for (const [name] of COMMANDS) {
    const program = await buildProgram(recordingDeps().deps, [name, '--help']);
    expect(program.commands.map((command) => command.name())).toEqual([name]);
  }
});

it('declares every command, in order, for a line that names none', async () => {
  const program = await buildProgram(recordingDeps().deps, ['--help']);
  expect(program.commands.map((command) => command.name())).toEqual(COMMANDS.map(([name]) => name));
});
