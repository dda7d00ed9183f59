import { parentPort } from 'node:worker_threads';
import { UserError } from '../../main/engine/errors.js';
import { serveRpc, Transferred } from '../../main/engine/workers/rpc.js';
import type { TestMethods } from './rpc.test.js';

const { emit } = serveRpc<TestMethods>(parentPort!, {
  double: (n) => n * 2,
  count: async (to, { progress }) => {
    for (let i = 1; i <= to; i++) progress(i);
    return to;
  },
  fail: ({ user }) => {
    if (user) throw new UserError('no such folder: /x', '/x');
    throw new TypeError('a bug');
  },
  waitForAbort: (_params, { signal }) =>
    new Promise((resolve) => signal.addEventListener('abort', () => resolve('stopped'), { once: true })),
  filled: (length) => {
    const data = new Float32Array(length).fill(1.5);
    return new Transferred(data, [data.buffer]);
  },
  announce: (text) => {
    emit({ text });
    return null;
  },
  exit: (code) => process.exit(code),
});
