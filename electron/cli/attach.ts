/**
 * `linger attach`: the session in this terminal, live. The keyboard goes to the session in raw
 * mode; the screen arrives as a snapshot, then live output, acknowledged once written (the
 * host's flow control). The terminal's size follows this window (SIGWINCH). Ctrl+\ detaches;
 * so do a closed terminal (its hangup ends this process and the connection with it) and SIGTERM.
 */
import { StringDecoder } from 'node:string_decoder';
import type { HostEvent } from '../contract';
import { PROGRAM_MODES_OFF } from '../host/terminal-modes';
import type { LocalClient } from './client';
import { shortId } from './format';
import { SessionInput } from './input';
import { clampSize } from './size';

/** Ctrl+\ (FS, 0x1c): what a terminal sends for it in raw mode. Like tmux's prefix, the session never sees it. */
export const DETACH_BYTE = 0x1c;

export const EXIT_DETACHED = 0;
/** The session was stopped or expired under us, or an attach failed. */
export const EXIT_FAILED = 1;
/** The app went away (quit, even with the session saved to come back). */
export const EXIT_APP_GONE = 2;

/**
 * What the session's programs may have left on in this terminal, turned off again; the cursor
 * then goes to the last row, so what follows starts below the session's screen.
 */
export const RESTORE_TERMINAL = `${PROGRAM_MODES_OFF}\x1b[999;1H`;

/** Clears this terminal before the snapshot redraws the session in it. */
const RESET_TERMINAL = '\x1bc';

export interface AttachIo {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  /** Where the user is told that input is held back: not the session's screen. */
  stderr: NodeJS.WritableStream;
  /** SIGTERM detaches; returns the disposer. */
  onTerminate(listener: () => void): () => void;
}

/** A process's status as a shell reports it: its code, or 128 + the signal that ended it. */
export function exitStatus(exitCode: number | null, signal: number | null): number {
  if (exitCode !== null) return exitCode;
  return signal ? 128 + signal : EXIT_FAILED;
}

/** Attaches until detached or ended; resolves with the CLI's exit status. */
export function attach(client: LocalClient, sessionId: string, io: AttachIo): Promise<number> {
  const { stdin, stdout } = io;
  const label = shortId(sessionId);
  return new Promise<number>((resolve) => {
    const disposers: Array<() => void> = [];
    let done = false;
    const finish = (status: number, message: string) => {
      if (done) return;
      done = true;
      for (const dispose of disposers.splice(0)) dispose();
      if (stdin.isTTY) stdin.setRawMode(false);
      stdin.pause();
      stdout.write(`${RESTORE_TERMINAL}\r\n[${message}]\r\n`, () => resolve(status));
    };
    // A write the session refuses (it just exited) is answered by its `exit` event; one its
    // program is too far behind to take waits, in order, and the user hears why once.
    const input = new SessionInput({
      write: (data) => client.request('write', { sessionId, data }),
      onHeldBack: () => io.stderr.write(`\r\n[${label} is not reading its input yet; the rest of what you typed is sent as it reads]\r\n`),
    });
    const detach = () => {
      if (done) return;
      // Input still held back goes nowhere once we leave: say so rather than lose it quietly.
      const left = () => (input.waiting ? `; ${input.waiting} characters you typed were not sent (its program never read them)` : '');
      client.request('detach', { sessionId }).then(
        () => finish(EXIT_DETACHED, `detached from ${label}${left()}`),
        () => finish(EXIT_DETACHED, `detached from ${label}${left()}`),
      );
    };
    const ended = (exitCode: number | null, signal: number | null) => {
      const status = exitStatus(exitCode, signal);
      // Leave it detached: it stays in the panel, exited, until it expires or is stopped.
      void client.request('detach', { sessionId }).catch(() => undefined);
      finish(status, `session ${label} exited with ${signal && exitCode === null ? `signal ${signal}` : `code ${exitCode}`}`);
    };

    const onEvent = (event: HostEvent) => {
      if (!('sessionId' in event) || event.sessionId !== sessionId || done) return;
      switch (event.type) {
        case 'snapshot':
          stdout.write(RESET_TERMINAL + event.data);
          if (event.session.state === 'exited') ended(event.session.exit_code, event.session.exit_signal);
          break;
        case 'data':
          stdout.write(event.data, () => client.ack(sessionId, event.data.length));
          break;
        case 'exit':
          ended(event.exitCode, event.signal);
          break;
        case 'removed':
          // Saved by an app that is quitting: it is the app that goes away, not the session.
          if (event.reason === 'restart') finish(EXIT_APP_GONE, `Linger quit; session ${label} comes back when Linger starts again`);
          else finish(EXIT_FAILED, `session ${label} was ${event.reason === 'stale' ? 'cleaned up (expired)' : event.reason === 'shutdown' ? 'ended: Linger quit' : 'stopped'}`);
          break;
      }
    };
    disposers.push(client.onEvent(onEvent));
    disposers.push(client.onClose(() => finish(EXIT_APP_GONE, 'Linger closed the connection (it quit?)')));
    disposers.push(io.onTerminate(detach));

    const decoder = new StringDecoder('utf8');
    const onInput = (chunk: Buffer) => {
      const at = chunk.indexOf(DETACH_BYTE);
      const text = decoder.write(at === -1 ? chunk : chunk.subarray(0, at));
      input.push(text);
      if (at !== -1) detach();
    };
    stdin.on('data', onInput);
    stdin.on('end', detach);
    disposers.push(() => {
      stdin.off('data', onInput);
      stdin.off('end', detach);
    });

    const size = () => clampSize(stdout.columns, stdout.rows);
    const onResize = () => {
      if (stdout.columns && stdout.rows) client.request('resize', { sessionId, ...size() }).catch(() => undefined);
    };
    if (stdout.isTTY) {
      stdout.on('resize', onResize);
      disposers.push(() => stdout.off('resize', onResize));
    }

    if (stdin.isTTY) stdin.setRawMode(true);
    stdin.resume();
    // The session takes this window's size first, so the snapshot is drawn for it. A refused
    // resize still attaches, at the session's own size: seeing it beats not seeing it.
    const sized = stdout.isTTY && stdout.columns && stdout.rows ? client.request('resize', { sessionId, ...size() }).catch(() => null) : Promise.resolve(null);
    sized
      .then(() => client.request('attach', { sessionId }))
      .catch((err: Error) => finish(EXIT_FAILED, `could not attach: ${err.message}`));
  });
}
