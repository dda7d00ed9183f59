import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { downloadPack } from '../../main/engine/models/downloadPack.js';
import { writeTinyExport } from '../transformer/tinyExport.js';
import { startHub } from './hubServer.js';

// A forward proxy on 127.0.0.1 (CONNECT tunnels and absolute-URI requests), named by HTTP_PROXY.
const seen: string[] = [];
const proxy = http.createServer((req, res) => {
  seen.push(`${req.method} ${req.url}`);
  const up = http.request(req.url!, { method: req.method, headers: req.headers }, (r) => {
    res.writeHead(r.statusCode ?? 502, r.headers);
    r.pipe(res);
  });
  req.pipe(up);
});
proxy.on('connect', (req, socket, head) => {
  seen.push(`CONNECT ${req.url}`);
  const [host, port] = (req.url ?? '').split(':');
  const up = net.connect(Number(port), host, () => {
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    up.write(head);
    up.pipe(socket);
    socket.pipe(up);
  });
  up.on('error', () => socket.destroy());
  socket.on('error', () => up.destroy());
});
await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
process.env.HTTP_PROXY = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
delete process.env.NO_PROXY;
delete process.env.no_proxy;

const tmp = await mkdtemp(path.join(os.tmpdir(), 'docqa-proxy-'));
afterAll(async () => {
  proxy.closeAllConnections();
  await new Promise((r) => proxy.close(r));
  await rm(tmp, { recursive: true, force: true });
});

it('downloads through the proxy HTTP_PROXY names', async () => {
  const src = path.join(tmp, 'export');
  await writeTinyExport(src, { onnxFile: 'onnx/model_quantized.onnx' });
  const read = async (rel: string) => new Uint8Array(await readFile(path.join(src, rel)));
  const hub = await startHub('Xenova/bge-small-en-v1.5', {
    'config.json': { data: await read('config.json'), lfs: false },
    'tokenizer_config.json': { data: await read('tokenizer_config.json'), lfs: false },
    'tokenizer.json': { data: await read('tokenizer.json'), lfs: true },
    'onnx/model_quantized.onnx': { data: await read('onnx/model_quantized.onnx'), lfs: true },
  });
  try {
    const got = await downloadPack('bge-small-en-v1.5', {
      modelsDir: path.join(tmp, 'models'),
      endpoint: hub.url,
    });
    expect(got.manifest.dim).toBe(32);
    const host = new URL(hub.url).host;
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((s) => s.includes(host))).toBe(true);
  } finally {
    await hub.close();
  }
});
