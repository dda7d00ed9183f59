/**
 * Just enough ONNX protobuf (ModelProto/GraphProto/NodeProto/TensorProto/
 * ValueInfoProto/AttributeProto) for the tiny test encoder. Field numbers
 * from onnx/onnx.proto.
 */
type Elem = 'float32' | 'float16' | 'int64';
const ELEM: Record<Elem, number> = { float32: 1, float16: 10, int64: 7 };

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, number | number[]>;
}
export interface GraphSpec {
  name: string;
  nodes: NodeSpec[];
  initializers: { name: string; dims: number[]; data: Float32Array | BigInt64Array }[];
  inputs: { name: string; elem: Elem; dims: (number | string)[] }[];
  outputs: { name: string; elem: Elem; dims: (number | string)[] }[];
}

class Writer {
  private readonly parts: Uint8Array[] = [];
  varint(v: number | bigint): this {
    let x = BigInt.asUintN(64, BigInt(v));
    const bytes: number[] = [];
    do {
      let b = Number(x & 0x7fn);
      x >>= 7n;
      if (x) b |= 0x80;
      bytes.push(b);
    } while (x);
    this.parts.push(Uint8Array.from(bytes));
    return this;
  }
  key(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }
  int(field: number, v: number | bigint): this {
    return this.key(field, 0).varint(v);
  }
  bytes(field: number, b: Uint8Array): this {
    this.key(field, 2).varint(b.length);
    this.parts.push(b);
    return this;
  }
  str(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }
  msg(field: number, w: Writer): this {
    return this.bytes(field, w.finish());
  }
  float(field: number, v: number): this {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.parts.push(b);
    return this;
  }
  finish(): Uint8Array {
    const out = new Uint8Array(this.parts.reduce((a, p) => a + p.length, 0));
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

function valueInfo(v: { name: string; elem: Elem; dims: (number | string)[] }): Writer {
  const shape = new Writer();
  for (const d of v.dims) shape.msg(1, typeof d === 'number' ? new Writer().int(1, d) : new Writer().str(2, d));
  const tensorType = new Writer().int(1, ELEM[v.elem]).msg(2, shape);
  return new Writer().str(1, v.name).msg(2, new Writer().msg(1, tensorType));
}

function attribute(name: string, value: number | number[]): Writer {
  const w = new Writer().str(1, name);
  if (Array.isArray(value)) {
    for (const v of value) w.int(8, v);
    return w.int(20, 7);
  }
  if (Number.isInteger(value) && name !== 'epsilon') return w.int(3, value).int(20, 2);
  return w.float(2, value).int(20, 1);
}

export function encodeModel(g: GraphSpec, opset: number): Uint8Array {
  const graph = new Writer();
  g.nodes.forEach((n, i) => {
    const node = new Writer();
    for (const inp of n.inputs) node.str(1, inp);
    for (const out of n.outputs) node.str(2, out);
    node.str(3, `n${i}`).str(4, n.op);
    for (const [k, v] of Object.entries(n.attrs)) node.msg(5, attribute(k, v));
    graph.msg(1, node);
  });
  graph.str(2, g.name);
  for (const t of g.initializers) {
    const tensor = new Writer();
    for (const d of t.dims) tensor.int(1, d);
    tensor.int(2, t.data instanceof Float32Array ? 1 : 7).str(8, t.name);
    tensor.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    graph.msg(5, tensor);
  }
  for (const v of g.inputs) graph.msg(11, valueInfo(v));
  for (const v of g.outputs) graph.msg(12, valueInfo(v));
  return new Writer().int(1, 8).str(2, 'docqa-tests').msg(7, graph).msg(8, new Writer().str(1, '').int(2, opset)).finish();
}
