import { ProtoMessage } from './protobuf.js';

/**
 * A small description of an ONNX model and its encoder to ModelProto bytes
 * (field numbers from onnx/onnx.proto). Covers what our tower graphs use:
 * one graph, nodes with int/float/string/ints/floats attributes, initializers
 * as raw_data or external data, inputs/outputs with symbolic dims.
 */
export type OnnxDataType = 'float32' | 'uint8' | 'int8' | 'int32' | 'int64' | 'float16';

const DATA_TYPE_CODE: Record<OnnxDataType, number> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  float16: 10,
};

export function dataTypeCode(t: OnnxDataType): number {
  return DATA_TYPE_CODE[t];
}

export interface TensorSpec {
  name: string;
  dataType: OnnxDataType;
  dims: number[];
  /** Little-endian element bytes. */
  data: Uint8Array;
}

export type AttributeValue =
  { int: number } | { float: number } | { string: string } | { ints: number[] } | { floats: number[] };

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  domain?: string;
  attributes?: Record<string, AttributeValue>;
}

export interface ValueInfoSpec {
  name: string;
  dataType: OnnxDataType;
  /** A number is a fixed size, a string a symbolic one (e.g. 'N'). */
  shape: (number | string)[];
}

export interface ModelSpec {
  graphName: string;
  opset: number;
  irVersion?: number;
  producer?: string;
  docString?: string;
  metadata?: Record<string, string>;
  inputs: ValueInfoSpec[];
  outputs: ValueInfoSpec[];
  nodes: NodeSpec[];
  initializers: TensorSpec[];
}

/** Where an initializer's bytes live when they are not inside the model file. */
export interface ExternalRef {
  /** File name relative to the model file's folder. */
  location: string;
  offset: number;
  length: number;
}

export interface EncodeOptions {
  /** Return a place for a tensor to store it outside the model, or null to embed it. */
  placeExternal?: (tensor: TensorSpec) => ExternalRef | null;
}

// AttributeProto.AttributeType
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_FLOATS = 6;
const ATTR_INTS = 7;

function encodeAttribute(name: string, value: AttributeValue): ProtoMessage {
  const a = new ProtoMessage().string(1, name);
  if ('int' in value) a.varint(20, ATTR_INT).varint(3, int64(value.int));
  else if ('float' in value) a.varint(20, ATTR_FLOAT).float(2, value.float);
  else if ('string' in value) a.varint(20, ATTR_STRING).string(4, value.string);
  else if ('ints' in value) {
    a.varint(20, ATTR_INTS);
    for (const v of value.ints) a.varint(8, int64(v));
  } else {
    a.varint(20, ATTR_FLOATS);
    for (const v of value.floats) a.float(7, v);
  }
  return a;
}

/** int64 as a protobuf varint: negatives are 64-bit two's complement. */
function int64(v: number): number {
  if (v >= 0) return v;
  throw new RangeError(`negative int64 attributes are not supported by this encoder: ${v}`);
}

function encodeNode(node: NodeSpec): ProtoMessage {
  const n = new ProtoMessage();
  for (const i of node.inputs) n.string(1, i);
  for (const o of node.outputs) n.string(2, o);
  if (node.name) n.string(3, node.name);
  n.string(4, node.op);
  for (const [k, v] of Object.entries(node.attributes ?? {})) n.message(5, encodeAttribute(k, v));
  if (node.domain) n.string(7, node.domain);
  return n;
}

function encodeTensor(t: TensorSpec, external: ExternalRef | null): ProtoMessage {
  const m = new ProtoMessage();
  for (const d of t.dims) m.varint(1, d);
  m.varint(2, DATA_TYPE_CODE[t.dataType]);
  m.string(8, t.name);
  if (external) {
    const entry = (key: string, value: string): ProtoMessage =>
      new ProtoMessage().string(1, key).string(2, value);
    m.message(13, entry('location', external.location));
    m.message(13, entry('offset', String(external.offset)));
    m.message(13, entry('length', String(external.length)));
    m.varint(14, 1); // DataLocation.EXTERNAL
  } else {
    m.bytes(9, t.data);
  }
  return m;
}

function encodeValueInfo(v: ValueInfoSpec): ProtoMessage {
  const shape = new ProtoMessage();
  for (const d of v.shape) {
    const dim = new ProtoMessage();
    if (typeof d === 'number') dim.varint(1, d);
    else dim.string(2, d);
    shape.message(1, dim);
  }
  const tensorType = new ProtoMessage().varint(1, DATA_TYPE_CODE[v.dataType]).message(2, shape);
  const type = new ProtoMessage().message(1, tensorType);
  return new ProtoMessage().string(1, v.name).message(2, type);
}

export function encodeModel(model: ModelSpec, options: EncodeOptions = {}): Uint8Array {
  const graph = new ProtoMessage();
  for (const node of model.nodes) graph.message(1, encodeNode(node));
  graph.string(2, model.graphName);
  for (const t of model.initializers) graph.message(5, encodeTensor(t, options.placeExternal?.(t) ?? null));
  if (model.docString) graph.string(10, model.docString);
  for (const i of model.inputs) graph.message(11, encodeValueInfo(i));
  for (const o of model.outputs) graph.message(12, encodeValueInfo(o));

  const m = new ProtoMessage();
  m.varint(1, model.irVersion ?? 8);
  m.string(2, model.producer ?? 'docqa');
  m.message(7, graph);
  m.message(8, new ProtoMessage().string(1, '').varint(2, model.opset));
  for (const [k, v] of Object.entries(model.metadata ?? {})) {
    m.message(14, new ProtoMessage().string(1, k).string(2, v));
  }
  return m.toBytes();
}

/** Raw little-endian bytes of a typed array (a view, no copy). */
export function rawBytes(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
