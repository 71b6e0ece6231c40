/** What a restart may start again by itself: an interactive shell, and nothing that could run something. */
import { expect, test } from 'vitest';
import { isInteractiveShell } from '../profiles';

test.each([
  ['/bin/bash', [], true],
  ['bash', ['-l'], true],
  ['bash', ['--noprofile', '--norc'], true],
  ['/usr/bin/zsh', ['-i'], true],
  ['-zsh', ['--login'], true],
  ['fish', ['--no-config'], true],
  ['bash', ['-c', 'make deploy'], false],
  ['bash', ['-lc', 'make deploy'], false],
  ['bash', ['deploy.sh'], false],
  ['fish', ['--init-command=deploy'], false],
  ['fish', ['-C', 'deploy'], false],
  ['zsh', ['-o', 'something'], false],
  ['claude', [], false],
  ['python3', ['-i'], false],
])('%s %j → %s', (command, args, expected) => {
  expect(isInteractiveShell(command, args)).toBe(expected);
});
