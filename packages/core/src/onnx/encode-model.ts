/** OnnxModel -> protobuf bytes (ModelProto). */
import type { OnnxAttributeValue, OnnxGraph, OnnxModel, OnnxNode, OnnxTensor, OnnxValueInfo } from './onnx-model.js';
import { ATTRIBUTE, ATTRIBUTE_TYPE, DIMENSION, GRAPH, MODEL, NODE, OPSET_ID, SHAPE, STRING_ENTRY, TENSOR, TYPE, TYPE_TENSOR, VALUE_INFO } from './onnx-schema.js';
import { ProtoWriter } from './protobuf-writer.js';

function encodeTensor(t: OnnxTensor): ProtoWriter {
  const w = new ProtoWriter();
  if (t.dims.length) w.packedVarints(TENSOR.dims, t.dims);
  w.varint(TENSOR.dataType, t.dataType);
  if (t.name) w.string(TENSOR.name, t.name);
  if (t.raw) w.bytes(TENSOR.rawData, t.raw);
  else if (t.floats) w.packedFloats(TENSOR.floatData, t.floats);
  else if (t.ints) w.packedVarints(TENSOR.int64Data, t.ints);
  return w;
}

function encodeAttribute(name: string, a: OnnxAttributeValue): ProtoWriter {
  const w = new ProtoWriter().string(ATTRIBUTE.name, name);
  switch (a.type) {
    case 'float':
      return w.fixed32Float(ATTRIBUTE.f, a.value).varint(ATTRIBUTE.type, ATTRIBUTE_TYPE.FLOAT);
    case 'int':
      return w.varint(ATTRIBUTE.i, a.value).varint(ATTRIBUTE.type, ATTRIBUTE_TYPE.INT);
    case 'string':
      return w.string(ATTRIBUTE.s, a.value).varint(ATTRIBUTE.type, ATTRIBUTE_TYPE.STRING);
    case 'tensor':
      return w.message(ATTRIBUTE.t, encodeTensor(a.value)).varint(ATTRIBUTE.type, ATTRIBUTE_TYPE.TENSOR);
    case 'floats':
      return w.packedFloats(ATTRIBUTE.floats, a.value).varint(ATTRIBUTE.type, ATTRIBUTE_TYPE.FLOATS);
    case 'ints':
      return w.packedVarints(ATTRIBUTE.ints, a.value).varint(ATTRIBUTE.type, ATTRIBUTE_TYPE.INTS);
    case 'other':
      throw new Error(`ONNX export: attribute '${name}' has no encodable value`);
  }
}

function encodeNode(n: OnnxNode): ProtoWriter {
  const w = new ProtoWriter();
  for (const input of n.inputs) w.string(NODE.input, input);
  for (const output of n.outputs) w.string(NODE.output, output);
  if (n.name) w.string(NODE.name, n.name);
  w.string(NODE.opType, n.opType);
  for (const [name, value] of n.attributes) w.message(NODE.attribute, encodeAttribute(name, value));
  if (n.domain) w.string(NODE.domain, n.domain);
  return w;
}

function encodeValueInfo(v: OnnxValueInfo): ProtoWriter {
  const tensorType = new ProtoWriter().varint(TYPE_TENSOR.elemType, v.elemType);
  if (v.dims) {
    const shape = new ProtoWriter();
    for (const d of v.dims) {
      const dim = new ProtoWriter();
      if (typeof d === 'number') dim.varint(DIMENSION.dimValue, d);
      else if (typeof d === 'string') dim.string(DIMENSION.dimParam, d);
      shape.message(SHAPE.dim, dim);
    }
    tensorType.message(TYPE_TENSOR.shape, shape);
  }
  return new ProtoWriter().string(VALUE_INFO.name, v.name).message(VALUE_INFO.type, new ProtoWriter().message(TYPE.tensorType, tensorType));
}

function encodeGraph(g: OnnxGraph): ProtoWriter {
  const w = new ProtoWriter();
  for (const n of g.nodes) w.message(GRAPH.node, encodeNode(n));
  w.string(GRAPH.name, g.name);
  for (const t of g.initializers) w.message(GRAPH.initializer, encodeTensor(t));
  for (const v of g.inputs) w.message(GRAPH.input, encodeValueInfo(v));
  for (const v of g.outputs) w.message(GRAPH.output, encodeValueInfo(v));
  return w;
}

export function encodeOnnxModel(m: OnnxModel): Uint8Array {
  const w = new ProtoWriter().varint(MODEL.irVersion, m.irVersion);
  if (m.producerName) w.string(MODEL.producerName, m.producerName);
  if (m.producerVersion) w.string(MODEL.producerVersion, m.producerVersion);
  w.message(MODEL.graph, encodeGraph(m.graph));
  for (const op of m.opsets) {
    const id = new ProtoWriter();
    if (op.domain) id.string(OPSET_ID.domain, op.domain);
    id.varint(OPSET_ID.version, op.version);
    w.message(MODEL.opsetImport, id);
  }
  for (const [key, value] of m.metadata) {
    w.message(MODEL.metadataProps, new ProtoWriter().string(STRING_ENTRY.key, key).string(STRING_ENTRY.value, value));
  }
  return w.finish();
}
