import { afterAll, describe, expect, it } from 'vitest';
import { isUserError, UserError } from '../../main/engine/errors.js';
import { spawnWorker } from '../../main/engine/workers/spawnWorker.js';
import { RpcClient } from '../../main/engine/workers/rpc.js';

export type TestMethods = {
  double: { params: number; result: number };
  count: { params: number; result: number; progress: number };
  fail: { params: { user: boolean }; result: never };
  waitForAbort: { params: null; result: string };
  filled: { params: number; result: Float32Array };
  announce: { params: string; result: null };
  exit: { params: number; result: never };
};

function start(onEvent?: (e: unknown) => void): RpcClient<TestMethods> {
  return new RpcClient<TestMethods>(spawnWorker(import.meta.url, 'rpcTest'), {
    name: 'test worker',
    onEvent,
  });
}

describe('worker RPC', () => {
  const events: unknown[] = [];
  const client = start((e) => events.push(e));
  afterAll(() => client.close());

  it('answers calls, several at once, each with its own result', async () => {
    expect(await Promise.all([client.call('double', 1), client.call('double', 21)])).toEqual([2, 42]);
    expect(client.busy).toBe(0);
  });

  it('relays progress in order before the result', async () => {
    const seen: number[] = [];
    expect(await client.call('count', 3, { onProgress: (p) => seen.push(p) })).toBe(3);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('a UserError thrown in the worker arrives as a UserError, with its subject', async () => {
    const e = await client.call('fail', { user: true }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).message).toBe('no such folder: /x');
    expect((e as UserError).subject).toBe('/x');
  });

  it('any other error arrives as an Error that is not a UserError, with the worker stack', async () => {
    const e = await client.call('fail', { user: false }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(Error);
    expect(isUserError(e)).toBe(false);
    expect((e as Error).message).toBe('a bug');
    expect((e as Error).stack).toContain('rpcTest.worker');
  });

  it("the caller's abort reaches the worker's signal, also when it fired before the call", async () => {
    const abort = new AbortController();
    const call = client.call('waitForAbort', null, { signal: abort.signal });
    abort.abort();
    expect(await call).toBe('stopped');
    expect(await client.call('waitForAbort', null, { signal: AbortSignal.abort() })).toBe('stopped');
  });

  it('transfers a result buffer, and passes on events the worker emits', async () => {
    expect(Array.from(await client.call('filled', 3))).toEqual([1.5, 1.5, 1.5]);
    await client.call('announce', 'hello');
    expect(events).toEqual([{ text: 'hello' }]);
  });

  it('fails the calls in flight and every later one when the worker stops', async () => {
    const stops: Error[] = [];
    const doomed = new RpcClient<TestMethods>(spawnWorker(import.meta.url, 'rpcTest'), {
      name: 'test worker',
      onStop: (e) => stops.push(e),
    });
    const waiting = doomed.call('waitForAbort', null);
    await expect(doomed.call('exit', 3)).rejects.toThrow('the test worker stopped (exit code 3)');
    await expect(waiting).rejects.toThrow('the test worker stopped (exit code 3)');
    await expect(doomed.call('double', 1)).rejects.toThrow('the test worker stopped (exit code 3)');
    expect(stops).toHaveLength(1);
    expect(doomed.stopped?.message).toBe('the test worker stopped (exit code 3)');
  });
});
