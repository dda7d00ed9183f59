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
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    readonly end = buf.byteLength,
    readonly start = 0,
  ) {
    this.pos = start;
  }

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
      return { no, value: len, sub: new Reader(this.buf, start + len, start) };
    }
    throw new RangeError(`unsupported wire type ${wire}`);
  }

  text(): string {
    return new TextDecoder().decode(this.bytes());
  }

  bytes(): Uint8Array {
    return this.buf.subarray(this.pos, this.end);
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

export interface InitializerInfo {
  name: string;
  /** TensorProto.DataType code (1 float, 3 int8, 7 int64, 10 float16…). */
  dataType: number;
  dims: number[];
  /** Embedded bytes (a view into the model bytes), or null when external. */
  raw: Uint8Array | null;
  external: ExternalRef | null;
}

export interface ModelInfo {
  /** External data references of all initializers, in file order. */
  external: ExternalRef[];
  initializers: InitializerInfo[];
  outputs: ModelOutput[];
}

function readInitializer(tensor: Reader): InitializerInfo {
  const info: InitializerInfo = {
    name: '',
    dataType: 0,
    dims: [],
    raw: null,
    external: readExternal(tensor),
  };
  tensor.pos = tensor.start;
  while (!tensor.done()) {
    const f = tensor.field();
    if (f.no === 1 && !f.sub) info.dims.push(f.value);
    else if (f.no === 1 && f.sub)
      while (!f.sub.done()) info.dims.push(f.sub.varint()); // packed
    else if (f.no === 2 && !f.sub) info.dataType = f.value;
    else if (f.no === 8 && f.sub) info.name = f.sub.text();
    else if (f.no === 9 && f.sub) info.raw = f.sub.bytes();
  }
  return info;
}

/** Throws RangeError on malformed (e.g. truncated) bytes. */
export function readModelInfo(model: Uint8Array): ModelInfo {
  const info: ModelInfo = { external: [], initializers: [], outputs: [] };
  for (const graph of fields(new Reader(model), 7)) {
    while (!graph.done()) {
      const f = graph.field();
      if (f.no === 5 && f.sub) {
        const init = readInitializer(f.sub);
        info.initializers.push(init);
        if (init.external) info.external.push(init.external);
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
