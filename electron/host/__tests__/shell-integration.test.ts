/**
 * Shell integration with real shells through real node-pty, each from a temp HOME whose start-up
 * files the test writes: the user's files still run, their hooks still fire, and the stats row
 * says where the shell is, what runs, and how the last command ended.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { HostEvent, SessionRow } from '../../contract';
import { loadConfig } from '../config';
import { resolveCommand } from '../profiles';
import { installedScripts, withShellIntegration } from '../shell-integration';
import { VIM_MISSING, VIM_SKIP_REASON } from '../../../e2e/support/vim';
import { SHELL_SCRIPTS, createHarness, dataFor, waitFor, type Harness } from './harness';

let h: Harness;
afterEach(async () => h?.close());

const rowOf = (id: string): SessionRow | undefined => h.bridge.stats().sessions.find((s) => s.session_id === id);

function writeHome(files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(h.home, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
}

/**
 * Starts `command` (the user's shell by default), attaches the test client, and waits until the
 * shell has run a first command: its start-up is over, and everything it prints from then on
 * reaches the client as data (what it printed before may have gone into the snapshot).
 */
async function startShell(params: { command?: string; profile?: string } = {}): Promise<string> {
  const { session_id: id } = h.bridge.start({ ...params, cols: 100, rows: 30 });
  await h.bridge.attach(h.client.id, id);
  // The quotes keep the echoed command line itself from matching (in every shell).
  h.bridge.write(id, "echo ready-4''2\r");
  await waitFor('the shell to start', () => output(id).includes('ready-42\r\n'));
  return id;
}

/** What the shell printed after it started (see startShell). */
const since = (id: string) => output(id).slice(output(id).indexOf('ready-42\r\n'));

async function runAndWait(id: string, line: string, what: string, check: (row: SessionRow) => boolean): Promise<SessionRow> {
  h.bridge.write(id, `${line}\r`);
  return waitFor(what, () => rowWhere(id, check));
}

function rowWhere(id: string, check: (row: SessionRow) => boolean): SessionRow | null {
  const row = rowOf(id);
  return row !== undefined && check(row) ? row : null;
}

/** zsh and fish are tested where they are installed; elsewhere their tests skip, saying so. */
const installed = (shell: string): boolean => resolveCommand(shell) !== null;

const output = (id: string) => dataFor(h.events, id);
const count = (text: string, needle: string) => text.split(needle).length - 1;

/** A file the shell may have written in the temp HOME; '' while it has not. */
const readHome = (name: string): string => {
  try {
    return fs.readFileSync(path.join(h.home, name), 'utf8');
  } catch {
    return '';
  }
};

/**
 * Runs `line` and waits for the prompt after it (every prompt is marked with OSC 133 A, by our
 * script or the user's): the row then tells how the command ended, or that it was not reported.
 */
async function runToPrompt(id: string, line: string): Promise<SessionRow> {
  const prompts = count(output(id), '\x1b]133;A');
  h.bridge.write(id, `${line}\r`);
  await waitFor(`the prompt after ${JSON.stringify(line)}`, () => count(output(id), '\x1b]133;A') > prompts);
  return rowOf(id)!;
}

describe('which starts get integration', () => {
  test('bash, zsh and fish started plainly (or as login shells); anything else runs as given', () => {
    const env = { HOME: '/home/u', ZDOTDIR: '/home/u/.config/zsh' };
    const bash = withShellIntegration('/bin/bash', [], env, '/opt/s', 'n');
    expect(bash).toEqual({ args: ['--init-file', '/opt/s/linger.bash'], env: { ...env, _LINGER_NONCE: 'n' } });
    expect(withShellIntegration('/bin/bash', ['-l'], env, '/opt/s', 'n')?.env._LINGER_LOGIN).toBe('1');
    expect(withShellIntegration('/usr/bin/zsh', ['-l'], env, '/opt/s', 'n')).toEqual({
      args: ['-l'],
      env: { ...env, ZDOTDIR: '/opt/s/zsh', _LINGER_ZDOTDIR: '/home/u/.config/zsh', _LINGER_NONCE: 'n' },
    });
    expect(withShellIntegration('/usr/bin/zsh', [], { HOME: '/h' }, '/opt/s', 'n')?.env).not.toHaveProperty('_LINGER_ZDOTDIR');
    expect(withShellIntegration('/usr/bin/fish', [], env, "/opt/it's", 'n')?.args).toEqual(['--init-command', "source '/opt/it\\'s/linger.fish'"]);
    for (const [shell, args] of [
      ['/bin/bash', ['--norc']],
      ['/bin/bash', ['-c', 'echo hi']],
      ['/usr/bin/zsh', ['-f']],
      ['/bin/sh', []],
      ['/usr/bin/python3', []],
    ] as const) {
      expect(withShellIntegration(shell, args, env, '/opt/s', 'n')).toBeNull();
    }
  });
});

test('a folder without the scripts turns integration off, saying so, instead of starting shells with missing files', () => {
  expect(installedScripts(SHELL_SCRIPTS)).toBe(SHELL_SCRIPTS);
  expect(installedScripts(undefined)).toBeUndefined();
  const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  expect(installedScripts(path.join(SHELL_SCRIPTS, 'zsh'))).toBeUndefined();
  expect(errors.mock.calls[0]?.[0]).toMatch(/shell integration is off: linger\.bash, .*Reinstall Linger/);
  errors.mockRestore();
});

describe('bash', () => {
  test("the user's ~/.bashrc still runs; the row shows cwd, foreground, running and last command", async () => {
    h = createHarness();
    writeHome({ '.bashrc': "alias greet='echo alias-from-bashrc'\nexport FROM_BASHRC=yes\n" });
    const id = await startShell();
    const first = await waitFor('bash in the foreground', () => rowWhere(id, (r) => r.foreground === 'bash'));
    expect(first).toMatchObject({
      current_cwd: h.home,
      running_command: null,
      last_command: { command: "echo ready-4''2", exit_code: 0 },
      title: 'bash · ~',
    });

    await runAndWait(id, 'greet; echo "var=$FROM_BASHRC"', 'the alias', () => /alias-from-bashrc\r\nvar=yes/.test(output(id)));
    const inTmp = await runAndWait(id, 'cd /tmp', 'the new cwd', (row) => row.current_cwd === '/tmp');
    expect(inTmp.title).toBe('bash · tmp');

    const running = await runAndWait(id, 'sleep 30; true', 'sleep running', (row) => row.running_command !== null);
    expect(running.running_command).toBe('sleep 30; true');
    await waitFor('sleep in the foreground', () => rowOf(id)?.foreground === 'sleep');
    h.bridge.write(id, '\x03');
    const stopped = await waitFor('the end of sleep', () => rowWhere(id, (r) => r.last_command?.command === 'sleep 30; true'));
    expect(stopped.last_command?.exit_code).toBe(130);

    const failed = await runAndWait(id, 'false', 'false', (row) => row.last_command?.command === 'false');
    expect(failed.last_command).toMatchObject({ exit_code: 1 });
    expect(failed.last_command!.duration_ms).toBeLessThan(5000);
    expect(failed.running_command).toBeNull();
  });

  test('an existing PROMPT_COMMAND and DEBUG trap still fire, and $? reaches them unchanged', async () => {
    h = createHarness();
    writeHome({
      '.bashrc': [
        'PROMPT_COMMAND=\'echo "pc:$?" >> ~/pc.log\'',
        "trap 'echo dbg >> ~/dbg.log' DEBUG",
        'PS1="$ "',
      ].join('\n'),
    });
    const id = await startShell();
    await runAndWait(id, '(exit 7)', 'the command', (row) => row.last_command?.exit_code === 7);
    await waitFor('the prompt command', () => fs.readFileSync(path.join(h.home, 'pc.log'), 'utf8').includes('pc:7'));
    expect(fs.readFileSync(path.join(h.home, 'dbg.log'), 'utf8')).toContain('dbg');
    expect(rowOf(id)?.last_command?.command).toBe('(exit 7)');
  });

  test('a prompt that already marks itself with OSC 133 is not marked twice', async () => {
    h = createHarness();
    writeHome({ '.bashrc': "PS1='\\[\\e]133;A\\a\\]my-prompt\\$ '\n" });
    const id = await startShell();
    await runAndWait(id, 'echo one', 'a command', (row) => row.last_command?.command === 'echo one');
    await waitFor('the next prompt', () => count(since(id), 'my-prompt') === 2);
    expect(count(since(id), '\x1b]133;A')).toBe(2);
    // The marks it does not print are still ours.
    expect(count(since(id), '\x1b]133;C')).toBe(1);
  });

  test('what a program prints cannot pass for a command line or a cwd; programs do not inherit the nonce', async () => {
    h = createHarness();
    writeHome({ '.bashrc': 'HISTCONTROL=ignorespace\n' });
    const id = await startShell();
    await runAndWait(id, 'env | grep -c _LINGER_ > ~/count; cd /tmp', 'the command', (row) => row.current_cwd === '/tmp');
    expect(readHome('count').trim()).toBe('0');
    // A command whose own line is not reported (the leading space hides it) forges one, with a
    // wrong nonce, and cwds on another host and with a newline: only the nonce keeps the forged
    // line from becoming this command's.
    const forged = " printf '\\033]633;E;rm -rf /;guess\\007\\033]7;file://elsewhere/etc\\007\\033]7;file:///%%0a\\007'";
    const row = await runToPrompt(id, forged);
    expect(row.last_command).toMatchObject({ command: null, exit_code: 0 });
    expect(row.current_cwd).toBe('/tmp');
    await runAndWait(id, 'true', 'the next command', (r) => r.last_command?.command === 'true');
  });

  test('set -e in ~/.bashrc: Ctrl+C at the prompt leaves the shell running, and PROMPT_COMMAND still sees $? 130', async () => {
    h = createHarness();
    writeHome({ '.bashrc': ['set -e', 'PROMPT_COMMAND=\'echo "pc:$?" >> ~/pc.log\'', 'PS1="$ "'].join('\n') });
    const id = await startShell();
    h.bridge.write(id, '\x03');
    await waitFor('PROMPT_COMMAND after Ctrl+C', () => readHome('pc.log').includes('pc:130'));
    const row = await runAndWait(id, 'echo still-here', 'a command after Ctrl+C', (r) => r.last_command?.command === 'echo still-here');
    expect(row.last_command?.exit_code).toBe(0);
  });

  test('set -u in ~/.bashrc: no "unbound variable" from our script, and every mark still arrives', async () => {
    h = createHarness();
    fs.mkdirSync(path.join(h.home, 'a b'));
    writeHome({ '.bashrc': 'set -u\nHISTCONTROL=ignoreboth\nPS1="$ "\n' });
    const id = await startShell();
    expect(rowOf(id)?.last_command?.command).toBe("echo ready-4''2");
    await runAndWait(id, 'echo one', 'a command', (r) => r.last_command?.command === 'echo one');
    expect((await runToPrompt(id, 'echo one')).last_command?.command).toBe('echo one');
    const row = await runAndWait(id, "cd 'a b'; false", 'the new cwd', (r) => r.current_cwd === path.join(h.home, 'a b'));
    expect(row.last_command).toMatchObject({ command: "cd 'a b'; false", exit_code: 1 });
    expect(output(id)).not.toContain('unbound variable');
  });

  test('an LC_ALL that is not installed: bash warns once at start, as without Linger, not at every prompt', async () => {
    h = createHarness({}, undefined, { LC_ALL: 'xx_YY.UTF-8' });
    const dir = path.join(h.home, 'dir é%');
    fs.mkdirSync(dir);
    const id = await startShell();
    await runAndWait(id, `cd '${dir}'`, 'the cwd, percent-encoded', (r) => r.current_cwd === dir);
    await runAndWait(id, 'cd ~; true', 'another prompt', (r) => r.last_command?.command === 'cd ~; true');
    expect(since(id)).not.toContain('setlocale');
  });

  // Debian's ~/.bashrc sets ignoreboth. A repeated line is reported every time; a line hidden with
  // a leading space (ignorespace) never is, and history keeps exactly what bash keeps without us.
  test.each([
    ['ignoredups', ['echo one', 'echo two', 'echo one', ' echo one', ' echo secret']],
    ['ignoreboth', ['echo one', 'echo two', 'echo one']],
    ['erasedups', ['echo two', 'echo one', ' echo one', ' echo secret']],
    ['ignorespace', ['echo one', 'echo one', 'echo two', 'echo one']],
  ])('HISTCONTROL=%s: repeated command lines are reported, hidden ones are not', async (histcontrol, history) => {
    h = createHarness();
    writeHome({ '.bashrc': `HISTCONTROL=${histcontrol}\nHISTFILE=\nPS1='$ '\n` });
    const id = await startShell();
    const lines = ['echo one', 'echo one', 'echo two', 'echo one', ' echo one', ' echo secret'];
    const reported: (string | null)[] = [];
    for (const line of lines) reported.push((await runToPrompt(id, line)).last_command!.command);
    const hides = histcontrol.includes('ignorespace') || histcontrol === 'ignoreboth';
    expect(reported).toEqual(['echo one', 'echo one', 'echo two', 'echo one', hides ? null : 'echo one', hides ? null : 'echo secret']);
    if (hides) expect(output(id)).not.toMatch(/633;E;[^\x07]*secret/);
    await runToPrompt(id, 'history > ~/history');
    const kept = readHome('history').split('\n').filter(Boolean).map((entry) => entry.replace(/^ *\d+[* ] /, ''));
    expect(kept).toEqual(["echo ready-4''2", ...history, 'history > ~/history']);
  });

  test('a login shell runs ~/.bash_logout when it exits, before the EXIT trap set in ~/.bash_profile', async () => {
    h = createHarness({}, undefined, {}, { profiles: [{ name: 'login', label: 'Login', command: 'bash', args: ['-l'], env: {} }] });
    writeHome({
      '.bash_profile': "FROM_PROFILE=yes\ntrap 'echo exit-trap >> ~/out.log' EXIT\n",
      '.bash_logout': 'echo "bash_logout $FROM_PROFILE" >> ~/out.log\n',
    });
    const id = await startShell({ profile: 'login' });
    h.bridge.write(id, 'exit\r');
    await waitFor('the shell to exit', () => h.events.some((e) => e.type === 'exit' && e.sessionId === id));
    expect(readHome('out.log')).toBe('bash_logout yes\nexit-trap\n');
  });

  test('LINGER_SHELL_INTEGRATION=0 starts bash as it was: no marks, and the cwd comes from /proc', async () => {
    h = createHarness({ shellIntegration: loadConfig({ LINGER_SHELL_INTEGRATION: '0' }).shellIntegration });
    writeHome({ '.bashrc': 'PS1="plain$ "\n' });
    const id = await startShell();
    const row = await runAndWait(id, 'cd /tmp', 'the kernel cwd', (r) => r.current_cwd === '/tmp');
    expect(since(id)).toContain('plain$');
    expect(output(id)).not.toMatch(/\x1b\](133|633|7);/);
    expect(row).toMatchObject({ foreground: 'bash', last_command: null });
  });

  test('a profile with "shellIntegration": false starts its shell without it', async () => {
    h = createHarness({}, undefined, {}, {
      profiles: [{ name: 'bare', label: 'Bare', command: 'bash', args: [], env: {}, shellIntegration: false }],
    });
    const id = await startShell({ profile: 'bare' });
    h.bridge.write(id, 'echo "[$PROMPT_COMMAND]"\r');
    await waitFor('the echo', () => output(id).includes('[]'));
    expect(output(id)).not.toContain('\x1b]133;');
  });
});

describe('zsh', () => {
  test("the user's .zshenv and .zshrc run from their ZDOTDIR, which they get back", async ({ skip }) => {
    skip(!installed('zsh'), 'zsh is not installed (Debian/Ubuntu: sudo apt-get install -y zsh)');
    h = createHarness();
    const zdotdir = path.join(h.home, 'zconf');
    writeHome({
      '.zshenv': `export ZDOTDIR=${zdotdir}\n`,
      'zconf/.zshrc': "alias greet='echo alias-from-zshrc'\nPS1='z%# '\nprecmd() { echo precmd-ran >> ~/precmd.log }\n",
    });
    const id = await startShell({ command: 'zsh' });
    await runAndWait(id, 'greet; echo "zd=$ZDOTDIR"', 'the alias', () => output(id).includes(`alias-from-zshrc\r\nzd=${zdotdir}\r\n`));
    const row = await runAndWait(id, 'cd /tmp; false', 'the command', (r) => r.last_command?.command === 'cd /tmp; false' && r.current_cwd === '/tmp');
    expect(row.last_command?.exit_code).toBe(1);
    await waitFor('zsh in the foreground', () => rowWhere(id, (r) => r.foreground === 'zsh'));
    expect(fs.readFileSync(path.join(h.home, 'precmd.log'), 'utf8')).toContain('precmd-ran');
  });

  test("what the user's .zshenv and .zshrc declare stays declared: typeset -U path, typeset -A, typeset", async ({ skip }) => {
    skip(!installed('zsh'), 'zsh is not installed (Debian/Ubuntu: sudo apt-get install -y zsh)');
    h = createHarness();
    writeHome({
      '.zshenv': 'typeset -U path\npath=(/opt/from-zshenv $path /opt/from-zshenv)\ntypeset -A ENV_MAP\nENV_MAP[k]=env-v\ntypeset env_plain=env-p\n',
      '.zshrc': "typeset -A ZSH_HIGHLIGHT_STYLES\nZSH_HIGHLIGHT_STYLES[default]=none\npath=(/opt/from-zshrc $path /opt/from-zshrc)\ntypeset rc_plain=rc-p\nPS1='z%# '\n",
    });
    const id = await startShell({ command: 'zsh' });
    const probe = 'R:${(j:,:)${(@M)path:#/opt/*}}:${(t)ENV_MAP}=${ENV_MAP[k]-}:${(t)ZSH_HIGHLIGHT_STYLES}=${ZSH_HIGHLIGHT_STYLES[default]-}:${env_plain-}:${rc_plain-}.';
    h.bridge.write(id, `print -r -- "${probe}"\r`);
    await waitFor('the values', () => /R:[^$]*\.\r\n/.test(since(id)));
    expect(since(id)).toContain('R:/opt/from-zshrc,/opt/from-zshenv:association=env-v:association=none:env-p:rc-p.\r\n');
  });

  test('a line kept out of history (hist_ignore_space, HISTORY_IGNORE) is not reported', async ({ skip }) => {
    skip(!installed('zsh'), 'zsh is not installed (Debian/Ubuntu: sudo apt-get install -y zsh)');
    h = createHarness();
    writeHome({ '.zshrc': "setopt hist_ignore_space\nHISTORY_IGNORE='(echo hush*)'\nPS1='z%# '\n" });
    const id = await startShell({ command: 'zsh' });
    for (const line of [' echo SECRET-ZSH', 'echo hush-zsh']) {
      const row = await runToPrompt(id, line);
      expect(row.last_command).toMatchObject({ command: null, exit_code: 0 });
    }
    expect(output(id)).not.toContain('633;E; echo');
    await runAndWait(id, 'echo shown', 'a line history keeps', (r) => r.last_command?.command === 'echo shown');
  });

  test('setopt nounset in .zshrc: the hooks are still installed, without an error', async ({ skip }) => {
    skip(!installed('zsh'), 'zsh is not installed (Debian/Ubuntu: sudo apt-get install -y zsh)');
    h = createHarness();
    writeHome({ '.zshrc': "setopt nounset\nPS1='z%# '\n" });
    const id = await startShell({ command: 'zsh' });
    const row = await runAndWait(id, 'cd /tmp; false', 'the command', (r) => r.last_command?.command === 'cd /tmp; false' && r.current_cwd === '/tmp');
    expect(row.last_command?.exit_code).toBe(1);
    expect(output(id)).not.toContain('parameter not set');
  });
});

describe('fish', () => {
  test("the user's config.fish runs; cwd and commands are reported", async ({ skip }) => {
    skip(!installed('fish'), 'fish is not installed (Debian/Ubuntu: sudo apt-get install -y fish)');
    h = createHarness();
    writeHome({ '.config/fish/config.fish': "alias greet 'echo alias-from-config'\nfunction fish_greeting; end\n" });
    const id = await startShell({ command: 'fish' });
    await runAndWait(id, 'greet', 'the alias', () => output(id).includes('alias-from-config'));
    const row = await runAndWait(id, 'cd /tmp; false', 'the command', (r) => r.last_command?.command === 'cd /tmp; false' && r.current_cwd === '/tmp');
    expect(row.last_command?.exit_code).toBe(1);
  });

  test('a line starting with a space, which fish keeps out of history, is not reported', async ({ skip }) => {
    skip(!installed('fish'), 'fish is not installed (Debian/Ubuntu: sudo apt-get install -y fish)');
    h = createHarness();
    writeHome({ '.config/fish/config.fish': 'function fish_greeting; end\n' });
    const id = await startShell({ command: 'fish' });
    const row = await runToPrompt(id, ' echo SECRET-FISH');
    expect(row.last_command).toMatchObject({ command: null, exit_code: 0 });
    expect(output(id)).not.toContain('633;E; echo');
    await runAndWait(id, 'echo shown', 'a line history keeps', (r) => r.last_command?.command === 'echo shown');
  });

  test("marks the user's prompt and event handlers print are not doubled; other functions are neither read nor loaded", async ({ skip }) => {
    skip(!installed('fish'), 'fish is not installed (Debian/Ubuntu: sudo apt-get install -y fish)');
    h = createHarness();
    writeHome({
      '.config/fish/config.fish': [
        'function fish_greeting; end',
        "function fish_prompt; printf '\\e]133;A\\afish> '; end",
        "function my_start --on-event fish_preexec; printf '\\e]133;C\\a'; end",
      ].join('\n'),
      // Loading it (at start, or ever) leaves a trace; reading it would say D is printed already.
      '.config/fish/functions/unused_helper.fish': "echo loaded >> ~/loaded.log\nfunction unused_helper; printf '\\e]133;D;0\\a'; end\n",
    });
    const id = await startShell({ command: 'fish' });
    const row = await runToPrompt(id, 'false');
    expect(row.last_command).toMatchObject({ command: 'false', exit_code: 1 });
    expect(count(since(id), '\x1b]133;A')).toBe(count(since(id), 'fish> '));
    // One C (the user's) for `false`; one D (ours, as nothing the user has prints it) for it
    // and for `echo ready…`, whose output since() starts with.
    expect(count(since(id), '\x1b]133;C')).toBe(1);
    expect(count(since(id), '\x1b]133;D')).toBe(2);
    expect(readHome('loaded.log')).toBe('');
  });
});

describe('attention', () => {
  const attention = (id: string) => h.events.filter((e): e is Extract<HostEvent, { type: 'attention' }> => e.type === 'attention' && e.sessionId === id);
  const ledger = (type: string) => h.ledger.recent(1000).filter((e) => e.type === type);

  test('a command past the threshold tells every view and the ledger; a short one does neither', async () => {
    h = createHarness({ notifyAfterSeconds: 1 });
    const id = await startShell();
    await runAndWait(id, 'true', 'a short command', (r) => r.last_command?.command === 'true');
    await runAndWait(id, 'sleep 1.2; false', 'a long command', (r) => r.last_command?.command === 'sleep 1.2; false');
    await waitFor('the attention event', () => attention(id).length === 1);
    expect(attention(id)[0]).toMatchObject({ reason: 'command', command: { command: 'sleep 1.2; false', exit_code: 1 } });
    const [logged] = ledger('pty_command_finished');
    expect(logged).toMatchObject({ session_id: id, data: { exit_code: 1 } });
    expect(logged!.data.duration_ms).toBeGreaterThanOrEqual(1000);
    // The ledger keeps no command line.
    expect(JSON.stringify(logged)).not.toContain('sleep');
    expect(ledger('pty_command_finished')).toHaveLength(1);
  });

  test('the bell notifies once per 5 s however often it rings; with notify off only the ledger hears it', async () => {
    h = createHarness();
    const id = await startShell();
    h.bridge.write(id, "for i in 1 2 3; do printf '\\a'; sleep 0.1; done; echo rung\r");
    await waitFor('the bells', () => output(id).includes('rung\r\n'));
    await waitFor('the attention event', () => attention(id).length === 1);
    expect(attention(id)[0]).toMatchObject({ reason: 'bell', command: null });
    expect(ledger('pty_bell')).toHaveLength(1);

    const other = await startShell();
    expect(h.bridge.setNotify(other, false).notify).toBe(false);
    h.bridge.write(other, "printf '\\a'; echo rung\r");
    await waitFor('the bell', () => ledger('pty_bell').length === 2);
    expect(attention(other)).toEqual([]);
  });
});

describe('what the kernel says', () => {
  test('a reported cwd is shown only while the kernel agrees: once reports stop, the card follows the shell', async () => {
    h = createHarness();
    const id = await startShell();
    await runAndWait(id, 'cd /tmp', 'the reported cwd', (row) => row.current_cwd === '/tmp');
    // The same process goes on as a shell without our scripts: no more OSC 7.
    h.bridge.write(id, 'exec bash --noprofile --norc\r');
    await new Promise((r) => setTimeout(r, 300));
    await runAndWait(id, 'cd /var', 'the kernel cwd', (row) => row.current_cwd === '/var');
    expect(h.bridge.session(id).currentCwd()).toBe('/var');
  });


  test('vim in a detached session shows as its foreground, and the panel gets a preview', async ({ skip }) => {
    skip(VIM_MISSING, VIM_SKIP_REASON);
    h = createHarness();
    writeHome({ 'notes.txt': 'first line of notes\n' });
    const id = await startShell();
    h.bridge.write(id, 'vim -u NONE -N -i NONE -n notes.txt\r');
    await waitFor('vim', () => output(id).includes('first line of notes'));
    h.bridge.detach(h.client.id, id);
    const row = await waitFor('vim in the row', () => rowWhere(id, (r) => r.foreground === 'vim' && !!r.preview?.includes('notes.txt')));
    expect(row.title).toBe('vim · ~');
    expect(row.running_command).toBe('vim -u NONE -N -i NONE -n notes.txt');
    expect(row.preview!.split('\n')).toHaveLength(3);
    await h.bridge.attach(h.client.id, id);
    expect(rowOf(id)?.preview).toBeNull();
  });
});

test('the scripts are valid for their shells', () => {
  execFileSync('bash', ['-n', path.join(SHELL_SCRIPTS, 'linger.bash')]);
  if (installed('zsh')) for (const f of ['.zshenv', '.zprofile', '.zshrc', '.zlogin']) execFileSync('zsh', ['-n', path.join(SHELL_SCRIPTS, 'zsh', f)]);
  if (installed('fish')) execFileSync('fish', ['--no-execute', path.join(SHELL_SCRIPTS, 'linger.fish')]);
});
