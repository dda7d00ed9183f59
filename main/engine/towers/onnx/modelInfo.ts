import type { ExternalRef } from './onnxModel.js';

/**
 * Reads back from ONNX model bytes what a pack loader checks before handing
 * the file to ORT: where initializers keep data outside the file
 * (TensorProto.external_data: the files a tower's identity hash must cover)
 * and the graph outputs' shapes. A minimal protobuf walk of ModelProto.graph (7):
 * GraphProto.initializer (5) → TensorProto.external_data (13), and
 * GraphProto.output (12) → ValueInfoProto.type → tensor_type.shape.dim.
 */
class Reader {
  pos = 0;
  constructor(
    readonly buf: Uint8Array,
    readonly end = buf.byteLength,
  ) {}

  done(): boolean {
    return this.pos >= this.end;
  }

  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new RangeError('truncated varint');
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    throw new RangeError('varint too long');
  }

  /** Next field: its number, a varint's value, or for length-delimited fields a sub-reader. */
  field(): { no: number; value: number; sub: Reader | null } {
    const key = this.varint();
    const no = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) return { no, value: this.varint(), sub: null };
    if (wire === 1 || wire === 5) {
      this.pos += wire === 1 ? 8 : 4;
      if (this.pos > this.end) throw new RangeError('truncated field');
      return { no, value: 0, sub: null };
    }
    if (wire === 2) {
      const len = this.varint();
      const start = this.pos;
      if (start + len > this.end) throw new RangeError('truncated field');
      this.pos += len;
      const sub = new Reader(this.buf, start + len);
      sub.pos = start;
      return { no, value: len, sub };
    }
    throw new RangeError(`unsupported wire type ${wire}`);
  }

  text(): string {
    return new TextDecoder().decode(this.buf.subarray(this.pos, this.end));
  }
}

function* fields(r: Reader, no: number): Generator<Reader> {
  while (!r.done()) {
    const f = r.field();
    if (f.no === no && f.sub) yield f.sub;
  }
}

function readExternal(tensor: Reader): ExternalRef | null {
  const entries: Record<string, string> = {};
  for (const entry of fields(tensor, 13)) {
    let key = '';
    let value = '';
    while (!entry.done()) {
      const f = entry.field();
      if (f.sub && f.no === 1) key = f.sub.text();
      else if (f.sub && f.no === 2) value = f.sub.text();
    }
    entries[key] = value;
  }
  if (entries.location === undefined) return null;
  return {
    location: entries.location,
    offset: Number(entries.offset ?? 0),
    length: entries.length === undefined ? -1 : Number(entries.length),
  };
}

export interface ModelOutput {
  name: string;
  /** Fixed sizes as numbers, symbolic ones as their names. */
  shape: (number | string)[];
}

function readOutput(valueInfo: Reader): ModelOutput {
  let name = '';
  const shape: (number | string)[] = [];
  while (!valueInfo.done()) {
    const f = valueInfo.field();
    if (f.no === 1 && f.sub) name = f.sub.text();
    if (f.no !== 2 || !f.sub) continue;
    for (const tensorType of fields(f.sub, 1)) {
      for (const shapeProto of fields(tensorType, 2)) {
        for (const dim of fields(shapeProto, 1)) {
          let size: number | string = '?';
          while (!dim.done()) {
            const d = dim.field();
            if (d.no === 1 && !d.sub) size = d.value;
            else if (d.no === 2 && d.sub) size = d.sub.text();
          }
          shape.push(size);
        }
      }
    }
  }
  return { name, shape };
}

export interface ModelInfo {
  /** External data references of all initializers, in file order. */
  external: ExternalRef[];
  outputs: ModelOutput[];
}

/** Throws RangeError on malformed (e.g. truncated) bytes. */
export function readModelInfo(model: Uint8Array): ModelInfo {
  const info: ModelInfo = { external: [], outputs: [] };
  for (const graph of fields(new Reader(model), 7)) {
    while (!graph.done()) {
      const f = graph.field();
      if (f.no === 5 && f.sub) {
        const ref = readExternal(f.sub);
        if (ref) info.external.push(ref);
      } else if (f.no === 12 && f.sub) {
        info.outputs.push(readOutput(f.sub));
      }
    }
  }
  return info;
}

/** External data references of all initializers, in file order. */
export function listExternalData(model: Uint8Array): ExternalRef[] {
  return readModelInfo(model).external;
}
