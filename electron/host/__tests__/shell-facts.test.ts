import { describe, expect, test } from 'vitest';
import { NOTICE_MIN_GAP_MS, isLongCommand, noticeAllowed } from '../attention';
import { MAX_COMMAND_CHARS, ShellFacts, oneLine, parseFileUrl, unescapeCommand } from '../shell-facts';

const NONCE = 'f00dfeed';
const HOSTS = new Set(['devbox']);
const mark = (text: string, code = 133) => ({ code, text });
const line = (command: string, nonce = NONCE) => mark(`E;${command};${nonce}`, 633);

describe('ShellFacts', () => {
  test('C then D is a command with its line, exit code and duration', () => {
    const shell = new ShellFacts(NONCE, HOSTS);
    expect(shell.apply(mark('A'), 0)).toBeNull();
    shell.apply(line('sleep 11\\x3b false'), 1000);
    shell.apply(mark('C'), 1000);
    expect(shell.running).toEqual({ command: 'sleep 11; false', startedAt: 1000 });
    const done = shell.apply(mark('D;1'), 12_500);
    expect(done).toEqual({ command: 'sleep 11; false', exit_code: 1, duration_ms: 11_500 });
    expect(shell.running).toBeNull();
    expect(shell.last).toEqual(done);
  });

  test("a command line without this session's nonce is not believed", () => {
    const shell = new ShellFacts(NONCE, HOSTS);
    shell.apply(line('rm -rf / # says the program', 'guess'), 0);
    shell.apply(line('no nonce at all;'), 0);
    shell.apply(mark(`E;forged;${NONCE}`, 133), 0);
    shell.apply(mark('C'), 0);
    expect(shell.running).toEqual({ command: null, startedAt: 0 });
    // Without injection there is no nonce: nothing is trusted, not even an empty one.
    const plain = new ShellFacts('', HOSTS);
    plain.apply(line('x', ''), 0);
    plain.apply(mark('C'), 0);
    expect(plain.running?.command).toBeNull();
  });

  test('doubled marks (two integrations) count one command; D without C and a stray C are harmless', () => {
    const shell = new ShellFacts(NONCE, HOSTS);
    expect(shell.apply(mark('D;0'), 0)).toBeNull();
    shell.apply(mark('C'), 100);
    shell.apply(mark('C', 633), 200);
    // fish 4 marks C itself; our E follows it.
    shell.apply(line('make'), 250);
    expect(shell.apply(mark('D;2'), 5100)).toEqual({ command: 'make', exit_code: 2, duration_ms: 5000 });
    expect(shell.apply(mark('D;2', 633), 5200)).toBeNull();
    expect(shell.last?.duration_ms).toBe(5000);
  });

  test('a prompt while a command runs ends it with no status; D params beyond the code are ignored', () => {
    const shell = new ShellFacts(NONCE, HOSTS);
    shell.apply(mark('C'), 0);
    expect(shell.apply(mark('A;click_events=1'), 300)).toEqual({ command: null, exit_code: null, duration_ms: 300 });
    shell.apply(mark('C;cmdline_url=ls'), 400);
    expect(shell.apply(mark('D;0;aid=7'), 500)?.exit_code).toBe(0);
    shell.apply(mark('C'), 600);
    expect(shell.apply(mark('D;-1'), 700)?.exit_code).toBeNull();
    shell.apply(mark('C'), 800);
    expect(shell.apply(mark('D;999'), 900)?.exit_code).toBeNull();
  });

  test('the revision moves only when a shown fact changes: prompt marks and a repeated cwd are no change', () => {
    const shell = new ShellFacts(NONCE, HOSTS);
    const moves = (sequence: ReturnType<typeof mark>) => {
      const before = shell.revision;
      shell.apply(sequence, 0);
      return shell.revision !== before;
    };
    expect(moves(mark('file:///tmp', 7))).toBe(true);
    expect(moves(mark('file:///tmp', 7))).toBe(false);
    expect(moves(mark('A'))).toBe(false);
    expect(moves(mark('B'))).toBe(false);
    expect(moves(line('make'))).toBe(false);
    expect(moves(mark('C'))).toBe(true);
    expect(moves(mark('D;0'))).toBe(true);
    expect(moves(mark('D;0'))).toBe(false);
  });

  test('OSC 7 sets the cwd only for a file:// URL of this machine', () => {
    const shell = new ShellFacts(NONCE, HOSTS);
    shell.apply(mark('file://devbox/tmp/a%20b', 7), 0);
    expect(shell.cwd).toBe('/tmp/a b');
    for (const bad of ['file://evil.example/etc', 'http://devbox/tmp', '/tmp', 'file://devbox', 'file://devbox/%ZZ', 'file:///a%0Ab']) {
      shell.apply(mark(bad, 7), 0);
      expect(shell.cwd).toBe('/tmp/a b');
    }
    shell.apply(mark('file:///srv', 7), 0);
    expect(shell.cwd).toBe('/srv');
    shell.apply(mark('file://LOCALHOST/home', 7), 0);
    expect(shell.cwd).toBe('/home');
  });
});

describe('text from the stream is only ever text', () => {
  test('file URLs: percent-decoded, no control characters, bounded', () => {
    expect(parseFileUrl('file://DevBox/x/%E2%9C%93', HOSTS)).toBe('/x/✓');
    expect(parseFileUrl('file:///a\x1b[2Jb', HOSTS)).toBeNull();
    expect(parseFileUrl(`file:///${'a'.repeat(5000)}`, HOSTS)).toBeNull();
  });

  test('command lines: unescaped, one line, control characters gone, cut at the cap', () => {
    expect(unescapeCommand('a\\\\b\\x3bc\\x0ad\\q')).toBe('a\\b;c\nd\\q');
    expect(oneLine('for i in 1 2\ndo echo\x1b[31m $i; done\x07', MAX_COMMAND_CHARS)).toBe('for i in 1 2 do echo [31m $i; done');
    const long = oneLine('x'.repeat(10_000), MAX_COMMAND_CHARS);
    expect(long).toHaveLength(MAX_COMMAND_CHARS);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('attention', () => {
  test('only commands that ran at least the threshold are news', () => {
    expect(isLongCommand({ command: 'ls', exit_code: 0, duration_ms: 9_999 }, 10)).toBe(false);
    expect(isLongCommand({ command: 'make', exit_code: 0, duration_ms: 10_000 }, 10)).toBe(true);
  });

  test('at most one notice per 5 s, but a bell never swallows a finished command', () => {
    expect(noticeAllowed(null, 'bell', 0)).toBe(true);
    const bell = { reason: 'bell' as const, at: 1000 };
    expect(noticeAllowed(bell, 'bell', 1000 + NOTICE_MIN_GAP_MS - 1)).toBe(false);
    expect(noticeAllowed(bell, 'bell', 1000 + NOTICE_MIN_GAP_MS)).toBe(true);
    expect(noticeAllowed(bell, 'command', 1001)).toBe(true);
    const command = { reason: 'command' as const, at: 1000 };
    expect(noticeAllowed(command, 'command', 2000)).toBe(false);
    expect(noticeAllowed(command, 'bell', 2000)).toBe(false);
  });
});
