/** The CLI's command line, parsed into one command. Pure: tests feed it argv. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DEFAULT_READ_CHARS, EXPORT_FORMATS, MAX_EVENTS_LIMIT, MAX_READ_CHARS, type ExportFormat } from '../contract';

export type Command =
  | { name: 'help' }
  | { name: 'version' }
  | { name: 'ls'; json: boolean }
  | { name: 'new'; profile?: string; cwd?: string; record: boolean; attach: boolean; command?: string; args: string[] }
  | { name: 'attach'; id: string }
  | { name: 'send'; id: string; text: string | null; enter: boolean }
  | { name: 'read'; id: string; maxChars: number }
  | { name: 'stop'; id: string }
  | { name: 'keep'; id: string; on: boolean }
  | { name: 'record'; id: string; on: boolean }
  | { name: 'stats'; json: boolean }
  | { name: 'logs'; follow: boolean; lines: number; json: boolean }
  | { name: 'export'; id: string; format: ExportFormat; output?: string };

/** How many ledger lines `logs` shows before following, like `tail`. */
export const DEFAULT_LOG_LINES = 20;

export const USAGE = `linger — the sessions of a running Linger, from any terminal

  linger ls [--json]                  sessions: id, state, age, idle, expires, title
  linger new [--profile P] [--cwd D] [--record] [--attach] [-- CMD ARGS...]
                                      start a session (in this folder); prints its id
  linger attach ID                    show it here, live; detach with Ctrl+\\
  linger send ID [-n] [--] TEXT...    type TEXT and Enter (-n: no Enter); options go
                                      before TEXT, which is typed as given
  linger send ID --stdin              type what stdin holds, as is
  linger read ID [--max-chars N]      its text (scrollback and screen)
  linger stop ID                      end it now
  linger keep ID [--off]              never expire while it runs (--off: expire again)
  linger record ID [--off]            record its output for export (asciicast)
  linger stats [--json]               counts and every session, the seed's stats
  linger logs [-f] [-n N] [--json]    the ledger's last N events (-f: follow)
  linger export ID [--format text|ansi|asciicast] [-o FILE]

ID is a session id or any unique start of one (as "linger ls" shows).
The app must be running: "npm start" (desktop) or "npm run serve" (browser mode).
LINGER_SOCKET chooses the app's socket (see the README).`;

/** Bad usage: the message says what was wrong; the caller adds the usage. */
export class UsageError extends Error {
  override name = 'UsageError';
}

function parse(argv: string[], options: ParseArgsConfig['options'], positionals: [min: number, max: number], what: string) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${what}: ${(err as Error).message.replace(/\. To specify.*$/s, '')}`);
  }
  const [min, max] = positionals;
  if (parsed.positionals.length < min) throw new UsageError(`${what} needs ${min === 1 ? 'a session ID' : `${min} arguments`}.`);
  if (parsed.positionals.length > max) throw new UsageError(`${what} takes ${max === 0 ? 'no arguments' : 'one session ID'}; got "${parsed.positionals.slice(max).join(' ')}" too.`);
  return parsed as { values: Record<string, string | boolean | undefined>; positionals: string[] };
}

function positiveInt(raw: string | boolean | undefined, fallback: number, max: number, flag: string): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || n < 1 || n > max) throw new UsageError(`${flag} takes a whole number from 1 to ${max}; got "${String(raw)}".`);
  return n;
}

/** Where `send`'s text begins in its arguments: the first word after the ID that is not an option, or a `--`. */
function sendTextStart(rest: string[]): number {
  const isOption = (word: string) => word.startsWith('-') && word !== '-';
  let seenId = false;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--') return i;
    if (isOption(rest[i])) continue;
    if (seenId) return i;
    seenId = true;
  }
  return rest.length;
}

export function parseCommand(argv: string[]): Command {
  const command = parseOne(argv);
  // An empty ID (an unset shell variable) is a prefix of every session: it names none of them.
  if ('id' in command && !command.id.trim()) throw new UsageError(`${command.name} needs a session ID; got an empty one ("linger ls" lists them).`);
  return command;
}

function parseOne(argv: string[]): Command {
  const [name, ...rest] = argv;
  switch (name) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      return { name: 'help' };
    case 'version':
    case '--version':
    case '-V':
      return { name: 'version' };
    case 'ls':
    case 'list':
      return { name: 'ls', json: parse(rest, { json: { type: 'boolean' } }, [0, 0], 'ls').values.json === true };
    case 'stats':
      return { name: 'stats', json: parse(rest, { json: { type: 'boolean' } }, [0, 0], 'stats').values.json === true };
    case 'new': {
      const split = rest.indexOf('--');
      const own = split === -1 ? rest : rest.slice(0, split);
      const command = split === -1 ? [] : rest.slice(split + 1);
      const { values } = parse(
        own,
        { profile: { type: 'string', short: 'p' }, cwd: { type: 'string', short: 'c' }, record: { type: 'boolean' }, attach: { type: 'boolean', short: 'a' } },
        [0, 0],
        'new (put a command after --)',
      );
      if (split !== -1 && command.length === 0) throw new UsageError('new: give the command after --, e.g. "linger new -- htop".');
      return {
        name: 'new',
        ...(typeof values.profile === 'string' ? { profile: values.profile } : {}),
        ...(typeof values.cwd === 'string' ? { cwd: values.cwd } : {}),
        record: values.record === true,
        attach: values.attach === true,
        ...(command.length ? { command: command[0] } : {}),
        args: command.slice(1),
      };
    }
    case 'attach':
    case 'a':
      return { name: 'attach', id: parse(rest, {}, [1, 1], 'attach').positionals[0] };
    case 'send': {
      // Options come before the text: once it starts, every word is typed as given
      // (`linger send ID ls -la` types "ls -la"; -- ends the options early for text starting with -).
      const textAt = sendTextStart(rest);
      const { values, positionals } = parse(rest.slice(0, textAt), { stdin: { type: 'boolean' }, 'no-enter': { type: 'boolean', short: 'n' } }, [1, 1], 'send (put -- before text that starts with -)');
      const words = rest.slice(textAt);
      if (words[0] === '--') words.shift();
      if (values.stdin && words.length) throw new UsageError('send takes TEXT or --stdin, not both.');
      if (!values.stdin && !words.length) throw new UsageError('send needs the TEXT to type, or --stdin.');
      return { name: 'send', id: positionals[0], text: values.stdin ? null : words.join(' '), enter: !values.stdin && values['no-enter'] !== true };
    }
    case 'read': {
      const { values, positionals } = parse(rest, { 'max-chars': { type: 'string' } }, [1, 1], 'read');
      return { name: 'read', id: positionals[0], maxChars: positiveInt(values['max-chars'], DEFAULT_READ_CHARS, MAX_READ_CHARS, '--max-chars') };
    }
    case 'stop':
      return { name: 'stop', id: parse(rest, {}, [1, 1], 'stop').positionals[0] };
    case 'keep':
    case 'record': {
      const { values, positionals } = parse(rest, { off: { type: 'boolean' } }, [1, 1], name);
      return { name, id: positionals[0], on: values.off !== true };
    }
    case 'logs': {
      const { values } = parse(
        rest,
        { follow: { type: 'boolean', short: 'f' }, lines: { type: 'string', short: 'n' }, json: { type: 'boolean' } },
        [0, 0],
        'logs',
      );
      return {
        name: 'logs',
        follow: values.follow === true,
        lines: positiveInt(values.lines, DEFAULT_LOG_LINES, MAX_EVENTS_LIMIT, '-n'),
        json: values.json === true,
      };
    }
    case 'export': {
      const { values, positionals } = parse(rest, { format: { type: 'string', short: 'f' }, output: { type: 'string', short: 'o' } }, [1, 1], 'export');
      const format = (values.format ?? 'text') as string;
      if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format takes ${EXPORT_FORMATS.join(', ')}; got "${format}".`);
      return { name: 'export', id: positionals[0], format: format as ExportFormat, ...(typeof values.output === 'string' ? { output: values.output } : {}) };
    }
    default:
      throw new UsageError(`"${name}" is not a linger command.`);
  }
}
