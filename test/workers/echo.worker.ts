import { parentPort } from 'node:worker_threads';
const label: string = 'ts-worker';
parentPort!.on('message', (m: number) => parentPort!.postMessage(`${label}:${m * 2}`));
