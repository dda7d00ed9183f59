#!/usr/bin/env node
// Draws DocQA's app icon (an original design: a document sheet with a "Q"
// lens, on the accent blue) and writes icon.png (1024²), icon.ico and
// icon.icns. No dependencies: pixels are computed here, PNG via node:zlib,
// ICO/ICNS as containers of PNG images. Run: node resources/icons/make-icons.mjs
import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

// Signed-distance shapes in a unit square (0..1), y down.
const roundedBox = (x, y, cx, cy, hw, hh, r) => {
  const qx = Math.abs(x - cx) - hw + r;
  const qy = Math.abs(y - cy) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const ring = (x, y, cx, cy, radius, width) => Math.abs(Math.hypot(x - cx, y - cy) - radius) - width / 2;
const segment = (x, y, ax, ay, bx, by, width) => {
  const px = x - ax,
    py = y - ay,
    dx = bx - ax,
    dy = by - ay;
  const t = Math.max(0, Math.min(1, (px * dx + py * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - dx * t, py - dy * t) - width / 2;
};

const BLUE_TOP = [72, 130, 250];
const BLUE_BOTTOM = [38, 92, 214];
const SHEET = [255, 255, 255];
const LINE = [196, 212, 240];
const LENS = [255, 184, 48];

function pixel(x, y, px) {
  const aa = 1.2 / px; // anti-aliasing width in unit coordinates
  const cover = (d) => Math.max(0, Math.min(1, 0.5 - d / aa));
  const bg = cover(roundedBox(x, y, 0.5, 0.5, 0.44, 0.44, 0.2));
  if (bg === 0) return [0, 0, 0, 0];
  let c = BLUE_TOP.map((v, i) => v + (BLUE_BOTTOM[i] - v) * y);
  const mix = (color, a) => (c = c.map((v, i) => v + (color[i] - v) * a));
  mix(SHEET, cover(roundedBox(x, y, 0.45, 0.5, 0.2, 0.27, 0.04)));
  for (const ly of [0.36, 0.44, 0.52]) mix(LINE, cover(roundedBox(x, y, 0.42, ly, 0.12, 0.012, 0.012)));
  mix(LENS, cover(Math.min(ring(x, y, 0.58, 0.6, 0.11, 0.05), segment(x, y, 0.66, 0.68, 0.76, 0.78, 0.065))));
  return [...c.map(Math.round), Math.round(255 * bg)];
}

function render(size) {
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let j = 0; j < size; j++) {
    rows[j * (size * 4 + 1)] = 0; // PNG filter: none
    for (let i = 0; i < size; i++) {
      const rgba = pixel((i + 0.5) / size, (j + 0.5) / size, size);
      rgba.forEach((v, k) => (rows[j * (size * 4 + 1) + 1 + i * 4 + k] = v));
    }
  }
  return png(size, rows);
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}
function png(size, rows) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ICO: directory of PNG-compressed images (Windows Vista+).
function ico(images) {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(([size, data], i) => {
    const e = 6 + 16 * i;
    header[e] = size >= 256 ? 0 : size;
    header[e + 1] = size >= 256 ? 0 : size;
    header.writeUInt16LE(1, e + 4); // planes
    header.writeUInt16LE(32, e + 6); // bits per pixel
    header.writeUInt32LE(data.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += data.length;
  });
  return Buffer.concat([header, ...images.map(([, d]) => d)]);
}

// ICNS: typed PNG entries (ic07 128, ic08 256, ic09 512, ic10 1024).
function icns(entries) {
  const parts = entries.map(([type, data]) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([head, data]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + parts.reduce((n, p) => n + p.length, 0), 4);
  return Buffer.concat([head, ...parts]);
}

const sizes = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const images = Object.fromEntries(sizes.map((s) => [s, render(s)]));
writeFileSync(`${here}/icon.png`, images[1024]);
writeFileSync(`${here}/icon.ico`, ico([16, 24, 32, 48, 64, 128, 256].map((s) => [s, images[s]])));
writeFileSync(
  `${here}/icon.icns`,
  icns([
    ['ic07', images[128]],
    ['ic08', images[256]],
    ['ic09', images[512]],
    ['ic10', images[1024]],
  ]),
);
console.log('wrote icon.png, icon.ico, icon.icns');
