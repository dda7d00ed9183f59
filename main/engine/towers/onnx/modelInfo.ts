import type { ExternalRef } from './onnxModel.js';

/**
 * Reads back, from ONNX model bytes, where each initializer keeps its data
 * outside the file (TensorProto.external_data): the ranges a tower's identity
 * hash must cover. A minimal protobuf walk: ModelProto.graph (7) →
 * GraphProto.initializer (5) → TensorProto.external_data (13) → key/value.
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

  /** Next field: its number, wire type, and for length-delimited fields a sub-reader. */
  field(): { no: number; wire: number; sub: Reader | null } {
    const key = this.varint();
    const no = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) {
      this.varint();
      return { no, wire, sub: null };
    }
    if (wire === 1 || wire === 5) {
      this.pos += wire === 1 ? 8 : 4;
      return { no, wire, sub: null };
    }
    if (wire === 2) {
      const len = this.varint();
      const start = this.pos;
      if (start + len > this.end) throw new RangeError('truncated field');
      this.pos += len;
      const sub = new Reader(this.buf, start + len);
      sub.pos = start;
      return { no, wire, sub };
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

/** External data references of all initializers, in file order. Throws RangeError on malformed bytes. */
export function listExternalData(model: Uint8Array): ExternalRef[] {
  const refs: ExternalRef[] = [];
  for (const graph of fields(new Reader(model), 7)) {
    for (const tensor of fields(graph, 5)) {
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
      if (entries.location !== undefined) {
        refs.push({
          location: entries.location,
          offset: Number(entries.offset ?? 0),
          length: entries.length === undefined ? -1 : Number(entries.length),
        });
      }
    }
  }
  return refs;
}
