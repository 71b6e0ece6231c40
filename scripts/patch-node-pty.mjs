#!/usr/bin/env node
// postinstall: node-pty 1.1.0 on Linux forks with forkpty(3) and never marks the pty master
// close-on-exec, so every session inherited every earlier session's master: session B could
// type into session A and read its output (`printf x >&21`), and a SIGKILLed host left
// wrappers alive, because the inherited masters kept each other's terminals from hanging up
// (node-pty #657; upstream's fix is only in 1.2.0 betas). This patch, applied to the pinned
// 1.1.0 source and rebuilt (~3 s), does what upstream does and a little more:
//   - in the forked child, before exec: every fd above 2 close-on-exec (close_range, else a loop);
//   - in the parent: the master close-on-exec, so no other child of the host inherits it either.
// macOS spawns through posix_spawn with POSIX_SPAWN_CLOEXEC_DEFAULT and needs neither.
// electron-builder rebuilds node-pty for Electron from this same, patched, source.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const PATCHED_VERSION = '1.1.0';
const MARK = 'Linger: no fd of the host reaches a session';

const require = createRequire(import.meta.url);
const dir = path.dirname(require.resolve('node-pty/package.json'));
const version = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
const source = path.join(dir, 'src', 'unix', 'pty.cc');

const HELPER = `
/* ${MARK} (scripts/patch-node-pty.mjs). */
#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
static void
linger_cloexec_inherited_fds(void) {
#if defined(SYS_close_range)
  /* CLOSE_RANGE_CLOEXEC (Linux 5.11+); older kernels answer EINVAL and take the loop. */
  if (syscall(SYS_close_range, 3, ~0U, 1U << 2) == 0) return;
#endif
  struct rlimit rl;
  long max = (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) ? (long)rl.rlim_cur : 65536;
  if (max > 65536) max = 65536;
  for (int fd = 3; fd < max; fd++) {
    int flags = fcntl(fd, F_GETFD);
    if (flags != -1 && !(flags & FD_CLOEXEC)) fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
  }
}
#endif

Napi::Value PtyFork(const Napi::CallbackInfo& info) {`;

const EDITS = [
  { anchor: 'Napi::Value PtyFork(const Napi::CallbackInfo& info) {', replacement: HELPER.trimStart() },
  {
    anchor: `      {
        char **old = environ;
        environ = env;
        execvp(argv[0], argv);`,
    replacement: `      linger_cloexec_inherited_fds();
      {
        char **old = environ;
        environ = env;
        execvp(argv[0], argv);`,
  },
  {
    anchor: `      if (pty_nonblock(master) == -1) {
        throw Napi::Error::New(napiEnv, "Could not set master fd to nonblocking.");
      }`,
    replacement: `      if (pty_nonblock(master) == -1) {
        throw Napi::Error::New(napiEnv, "Could not set master fd to nonblocking.");
      }
      fcntl(master, F_SETFD, fcntl(master, F_GETFD) | FD_CLOEXEC);`,
  },
];

function fail(message) {
  console.error(`Linger: could not patch node-pty (${message}). Sessions would inherit each other's terminals; ` +
    `reinstall with "npm ci", or report this with your node-pty version.`);
  process.exit(1);
}

if (process.platform === 'win32') process.exit(0);
if (version !== PATCHED_VERSION) fail(`found ${version}, the patch is for ${PATCHED_VERSION}; update scripts/patch-node-pty.mjs with node-pty`);

let text = fs.readFileSync(source, 'utf8');
if (!text.includes(MARK)) {
  for (const { anchor, replacement } of EDITS) {
    if (text.split(anchor).length !== 2) fail(`the source around "${anchor.split('\n')[0].trim()}" is not what the patch expects`);
    text = text.replace(anchor, replacement);
  }
  fs.writeFileSync(source, text);
}

const binary = path.join(dir, 'build', 'Release', 'pty.node');
if (fs.existsSync(binary) && fs.statSync(binary).mtimeMs > fs.statSync(source).mtimeMs) process.exit(0);

// npm puts its bundled node-gyp on PATH for install scripts; outside npm, use npm's own copy.
const npmGyp = process.env.npm_execpath ? path.join(path.dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js') : null;
const [command, args] = npmGyp && fs.existsSync(npmGyp) ? [process.execPath, [npmGyp, 'rebuild']] : ['node-gyp', ['rebuild']];
const built = spawnSync(command, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
if (built.status !== 0) {
  process.stderr.write(built.stderr ?? '');
  fail(`node-gyp rebuild exited with ${built.status ?? built.signal}`);
}
