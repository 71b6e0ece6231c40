/**
 * `linger`: the sessions of a running Linger (desktop app or browser mode), from any terminal,
 * through the app's local socket (electron/local/). Exit status: 0 done, 1 the request failed
 * (unknown session, bad input), 2 no app is running or the command line is wrong.
 */
import path from 'node:path';
import pkg from '../../package.json';
import { LingerError, type SessionRow } from '../contract';
import { UnsafeSocketDirError, socketPath } from '../local/socket-path';
import { USAGE, UsageError, parseCommand, type Command } from './args';
import { EXIT_FAILED, attach } from './attach';
import { LocalClient, NoAppError } from './client';
import { describeRow, logLines, sessionTable, shortId, statsSummary } from './format';
import { resolveSession } from './ids';
import { SessionInput } from './input';
import { writePrivateFile } from '../host/private-file';
import { clampSize } from './size';

const EXIT_OK = 0;
/** No app to talk to, or a command line that cannot be run: nothing was asked of the app. */
const EXIT_NO_APP = 2;
const EXIT_USAGE = 2;

/** The size a session gets when this is not a terminal (a script): the classic terminal. */
const FALLBACK_SIZE = { cols: 80, rows: 24 };

/** A failure whose message is the whole story (no stack), with the status to exit with. */
class CliError extends Error {
  constructor(
    message: string,
    readonly status: number = EXIT_FAILED,
  ) {
    super(message);
  }
}

const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);

async function findSession(client: LocalClient, given: string): Promise<SessionRow> {
  const { sessions } = await client.request('stats', {});
  const found = resolveSession(sessions, given);
  if (found.kind === 'found') return found.row;
  if (found.kind === 'ambiguous') {
    const list = found.candidates.map((row) => `  ${row.session_id}  ${describeRow(row)}`).join('\n');
    throw new CliError(`"${given}" matches ${found.candidates.length} sessions; type more of the ID:\n${list}`);
  }
  if (sessions.length === 0) throw new CliError(`No session "${given}": there are no sessions. Start one with "linger new".`);
  const near = found.near.length ? ` Did you mean ${found.near.map(describeRow).join(', or ')}?` : '';
  throw new CliError(`No session matches "${given}".${near} Run "linger ls" to see them all.`);
}

function terminalSize(): { cols: number; rows: number } {
  const { columns, rows } = process.stdout;
  return process.stdout.isTTY && columns && rows ? clampSize(columns, rows) : FALLBACK_SIZE;
}

/**
 * The folder a new session starts in: --cwd, else this one. When this folder was deleted, that
 * is an error rather than a quiet start in HOME: "linger new -- make" run there would otherwise
 * run somewhere the user did not choose.
 */
function startFolder(given: string | undefined): string {
  try {
    return path.resolve(given ?? process.cwd());
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    throw new CliError('The current folder no longer exists (deleted or moved). cd to an existing folder, or pass --cwd with a full path.');
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Checked before anything is asked of the app: `new --attach` must not leave a session behind. */
function assertTerminal(): void {
  if (!process.stdin.isTTY) throw new CliError('attach needs a terminal (stdin is not one). From a script, use "linger send" and "linger read".');
}

function attachHere(client: LocalClient, sessionId: string): Promise<number> {
  assertTerminal();
  return attach(client, sessionId, {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    onTerminate(listener) {
      process.on('SIGTERM', listener);
      return () => process.off('SIGTERM', listener);
    },
  });
}

async function run(command: Exclude<Command, { name: 'help' | 'version' }>, client: LocalClient): Promise<number> {
  switch (command.name) {
    case 'ls': {
      const stats = await client.request('stats', {});
      out(command.json ? JSON.stringify(stats.sessions, null, 2) : sessionTable(stats));
      return EXIT_OK;
    }
    case 'stats': {
      const stats = await client.request('stats', {});
      out(command.json ? JSON.stringify(stats, null, 2) : `${statsSummary(stats)}\n\n${sessionTable(stats)}`);
      return EXIT_OK;
    }
    case 'new': {
      if (command.attach) assertTerminal();
      const cwd = startFolder(command.cwd);
      const row = await client.request('start', {
        ...(command.profile ? { profile: command.profile } : {}),
        // A relative path (./build.sh) means one in the session's folder, as a shell there would
        // take it; the app would otherwise look in its own.
        ...(command.command ? { command: command.command.includes('/') ? path.resolve(cwd, command.command) : command.command, args: command.args } : {}),
        cwd,
        ...terminalSize(),
        ...(command.record ? { record: true } : {}),
      });
      if (!command.attach) {
        out(row.session_id);
        return EXIT_OK;
      }
      return attachHere(client, row.session_id);
    }
    case 'attach':
      return attachHere(client, (await findSession(client, command.id)).session_id);
    case 'send': {
      const { session_id } = await findSession(client, command.id);
      const text = command.text ?? (await readStdin());
      const input = new SessionInput({
        write: (data) => client.request('write', { sessionId: session_id, data }),
        onHeldBack: () => process.stderr.write(`linger: ${shortId(session_id)}'s program is not reading its input yet; the rest is sent as it reads (Ctrl+C gives up).\n`),
      });
      // Enter sends a carriage return, as a terminal's Enter key does.
      input.push(command.enter ? `${text}\r` : text);
      await input.drained();
      return EXIT_OK;
    }
    case 'read': {
      const { session_id } = await findSession(client, command.id);
      out((await client.request('read', { sessionId: session_id, maxChars: command.maxChars })).text);
      return EXIT_OK;
    }
    case 'stop': {
      const { session_id } = await findSession(client, command.id);
      await client.request('stop', { sessionId: session_id });
      out(`Stopped ${shortId(session_id)}.`);
      return EXIT_OK;
    }
    case 'keep': {
      const { session_id } = await findSession(client, command.id);
      await client.request('keep', { sessionId: session_id, kept: command.on });
      out(command.on ? `Kept ${shortId(session_id)}: it does not expire while it runs.` : `${shortId(session_id)} expires again when left detached.`);
      return EXIT_OK;
    }
    case 'record': {
      const { session_id } = await findSession(client, command.id);
      await client.request('record', { sessionId: session_id, on: command.on });
      out(command.on ? `Recording ${shortId(session_id)}: "linger export ${shortId(session_id)} --format asciicast" saves it.` : `Stopped recording ${shortId(session_id)}; the recording is kept for export.`);
      return EXIT_OK;
    }
    case 'logs':
      return logs(client, command);
    case 'export': {
      const { session_id } = await findSession(client, command.id);
      const result = await client.request('export', { sessionId: session_id, format: command.format });
      if (!command.output) {
        process.stdout.write(result.content);
        return EXIT_OK;
      }
      try {
        writePrivateFile(command.output, result.content);
      } catch (err) {
        throw new CliError(`Could not write ${command.output}: ${(err as Error).message}. Choose a file in a folder you can write to.`);
      }
      process.stderr.write(`Wrote ${command.output} (${command.format}).\n`);
      return EXIT_OK;
    }
  }
}

/** The newest events; with `follow`, then each one as the app writes it, until the app quits. */
async function logs(client: LocalClient, command: Extract<Command, { name: 'logs' }>): Promise<number> {
  const print = (events: Parameters<typeof logLines>[0]) => {
    if (events.length) out((command.json ? events.map((e) => JSON.stringify(e)) : logLines(events)).join('\n'));
  };
  // Pushed events that arrive before the reply are in it already, or came just after it.
  const early: string[] = [];
  let replied = false;
  const offEvent = client.onEvent((event) => {
    if (event.type !== 'ledger') return;
    if (replied) print([event.event]);
    else early.push(JSON.stringify(event.event));
  });
  const recent = await client.request('events', { limit: command.lines });
  replied = true;
  print(recent);
  const shown = new Set(recent.map((e) => JSON.stringify(e)));
  print(early.filter((line) => !shown.has(line)).map((line) => JSON.parse(line)));
  if (!command.follow) {
    offEvent();
    return EXIT_OK;
  }
  await new Promise<void>((resolve) => client.onClose(resolve));
  return EXIT_OK;
}

async function main(argv: string[]): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`linger: ${err.message} Run "linger help" for the commands.\n`);
    return EXIT_USAGE;
  }
  if (command.name === 'help') return (out(USAGE), EXIT_OK);
  if (command.name === 'version') return (out(`linger ${pkg.version}`), EXIT_OK);

  let client: LocalClient;
  try {
    client = await LocalClient.connect(socketPath());
  } catch (err) {
    if (!(err instanceof NoAppError || err instanceof UnsafeSocketDirError)) throw err;
    process.stderr.write(`linger: ${err.message}\n`);
    return EXIT_NO_APP;
  }
  try {
    return await run(command, client);
  } catch (err) {
    if (!(err instanceof CliError || err instanceof LingerError)) throw err;
    process.stderr.write(`linger: ${err.message}\n`);
    return err instanceof CliError ? err.status : EXIT_FAILED;
  } finally {
    client.close();
  }
}

// `linger logs | head` closes the pipe early: that is the reader being done, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(EXIT_OK);
  throw err;
});

main(process.argv.slice(2)).then(
  (status) => (process.exitCode = status),
  (err: unknown) => {
    process.stderr.write(`linger: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\nPlease report it.\n`);
    process.exitCode = EXIT_FAILED;
  },
);
