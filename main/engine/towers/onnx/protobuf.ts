/**
 * Just enough of the protobuf wire format to write ONNX models: varints,
 * fixed32 floats, length-delimited fields. A message is kept as a list of
 * byte chunks so large payloads (weight tables) are referenced, not copied,
 * until the final concatenation.
 */
const WIRE_VARINT = 0;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

export class ProtoMessage {
  private readonly chunks: Uint8Array[] = [];
  private scratch: number[] = [];
  private length = 0;

  get byteLength(): number {
    return this.length + this.scratch.length;
  }

  /** Non-negative integer up to 2^53 (int64/int32/enum/bool fields). */
  varint(field: number, value: number): this {
    this.key(field, WIRE_VARINT);
    this.pushVarint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.key(field, WIRE_FIXED32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    for (const x of b) this.scratch.push(x);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, WIRE_LEN);
    this.pushVarint(value.byteLength);
    this.append(value);
    return this;
  }

  message(field: number, value: ProtoMessage): this {
    this.key(field, WIRE_LEN);
    this.pushVarint(value.byteLength);
    for (const c of value.parts()) this.append(c);
    return this;
  }

  /** The encoded message as chunks (no copy of large payloads). */
  parts(): Uint8Array[] {
    this.flush();
    return this.chunks;
  }

  toBytes(): Uint8Array {
    const out = new Uint8Array(this.byteLength);
    let at = 0;
    for (const c of this.parts()) {
      out.set(c, at);
      at += c.byteLength;
    }
    return out;
  }

  private key(field: number, wire: number): void {
    this.pushVarint(field * 8 + wire);
  }

  private pushVarint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`varint out of range: ${value}`);
    while (value >= 0x80) {
      this.scratch.push((value % 0x80) | 0x80);
      value = Math.floor(value / 0x80);
    }
    this.scratch.push(value);
  }

  private append(bytes: Uint8Array): void {
    if (bytes.byteLength < 256) {
      for (const x of bytes) this.scratch.push(x);
      return;
    }
    this.flush();
    this.chunks.push(bytes);
    this.length += bytes.byteLength;
  }

  private flush(): void {
    if (this.scratch.length === 0) return;
    this.chunks.push(Uint8Array.from(this.scratch));
    this.length += this.scratch.length;
    this.scratch = [];
  }
}
