import { afterEach, expect, test } from 'vitest';
import { HERMETIC_BASH, createHarness, dataFor, waitFor, type Harness } from './harness';

let h: Harness;
afterEach(async () => h?.close());

test('echo hello reaches the view and the mirror', async () => {
  h = createHarness();
  const row = h.bridge.start({ ...HERMETIC_BASH, cols: 80, rows: 24 });
  await h.bridge.attach(h.client.id, row.session_id);
  h.bridge.write(row.session_id, 'echo hel""lo\r');
  await waitFor('hello in data', () => dataFor(h.events, row.session_id).includes('hello\r\n'));
  expect(await h.bridge.read(row.session_id, 4000)).toMatch(/^hello$/m);
});
