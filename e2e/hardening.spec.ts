/**
 * Browser mode as the hostile and the unlucky found it (issue 9), end to end against the built
 * server: a SIGKILLed server leaves no process behind, an unusable data folder is one clear
 * sentence, and two servers on one machine keep their own logins.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { RunningRow } from '../electron/contract';
import { sessionMembers } from '../electron/host/process-tree';
import { mainServer, shortTtlServer } from './support/env';
import { startE2eServer } from './support/server';

test('kill -9 of the server leaves no process of any session, SIGHUP-ignorers included', async ({ request }) => {
  test.skip(process.platform !== 'linux', 'reads session membership from /proc');
  const server = await startE2eServer({ LINGER_KILL_GRACE_MS: '1000' });
  const auth = { Authorization: `Bearer ${server.token}` };
  const start = async (body: object): Promise<RunningRow> => {
    const res = await request.post(`${server.origin}/api/pty/start`, { headers: auth, data: body });
    expect(res.status()).toBe(200);
    return res.json();
  };
  const ignorers = await Promise.all(
    Array.from({ length: 3 }, () => start({ command: 'bash', args: ['--noprofile', '--norc', '-c', "trap '' HUP; exec sleep 1000"] })),
  );
  const shell = await start({ command: 'bash', args: ['--noprofile', '--norc'] });
  await request.post(`${server.origin}/api/pty/${shell.session_id}/send`, {
    headers: auth,
    data: { data: "(trap '' HUP; exec sleep 1001) & echo job-$!\r" },
  });
  await expect
    .poll(async () => (await (await request.get(`${server.origin}/api/pty/${shell.session_id}/read`, { headers: auth })).json()).output)
    .toMatch(/job-\d+/);
  const sids = [...ignorers, shell].map((row) => row.pid);
  expect(sids.every((sid) => sessionMembers(sid).length >= 1)).toBe(true);

  server.process.kill('SIGKILL');
  await expect.poll(() => sids.flatMap((sid) => sessionMembers(sid)), { timeout: 10_000 }).toEqual([]);
  await server.stop();
});

test('an unusable data folder: one sentence naming it and what to do, exit 1', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'linger-e2e-bad-data-'));
  fs.writeFileSync(path.join(home, 'a-file'), '');
  const dataDir = path.join(home, 'a-file', 'data');
  const run = spawnSync(process.execPath, [path.resolve('dist/electron/serve.mjs'), '--port', '0'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LINGER_DATA_DIR: dataDir, LINGER_SOCKET: path.join(home, 'sock') },
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect(run.status).toBe(1);
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(dataDir);
  expect(lines[0]).toMatch(/Set LINGER_DATA_DIR to a folder you can write/);
  expect(run.stderr).not.toMatch(/^\s+at /m);
});

test('two servers on one machine: signing in to the second does not sign the first out', async ({ page }) => {
  const first = mainServer();
  const second = shortTtlServer();
  await page.goto(first.pageUrl);
  await expect(page.getByTestId('terminal')).toBeVisible();
  await page.goto(second.pageUrl);
  await expect(page.getByTestId('terminal')).toBeVisible();
  const reload = await page.goto(`${first.origin}/?e2e=1`);
  expect(reload?.status()).toBe(200);
  await expect(page.getByTestId('terminal')).toBeVisible();
});
