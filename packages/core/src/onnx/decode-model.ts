/** Protobuf bytes -> OnnxModel. Unknown fields are skipped; known fields are type-checked. */
import type { OnnxAttributeValue, OnnxDim, OnnxGraph, OnnxModel, OnnxNode, OnnxTensor, OnnxValueInfo } from './onnx-model.js';
import { ATTRIBUTE, ATTRIBUTE_TYPE, DIMENSION, GRAPH, MODEL, NODE, OPSET_ID, SHAPE, STRING_ENTRY, TENSOR, TYPE, TYPE_TENSOR, VALUE_INFO } from './onnx-schema.js';
import { ProtoReader } from './protobuf-reader.js';
import { WIRE_FIXED32, WIRE_LENGTH_DELIMITED as LEN, WIRE_VARINT as VARINT } from './protobuf-writer.js';

function decodeTensor(r: ProtoReader): OnnxTensor {
  const t: OnnxTensor = { name: '', dims: [], dataType: 0 };
  const floats: number[] = [];
  const ints: number[] = [];
  while (!r.done) {
    const { field, wireType } = r.next();
    switch (field) {
      case TENSOR.dims:
        r.varints(wireType, t.dims);
        break;
      case TENSOR.dataType:
        r.expect(wireType, VARINT);
        t.dataType = r.varint();
        break;
      case TENSOR.name:
        r.expect(wireType, LEN);
        t.name = r.string();
        break;
      case TENSOR.rawData:
        r.expect(wireType, LEN);
        t.raw = r.bytes();
        break;
      case TENSOR.floatData:
        r.floats(wireType, floats);
        break;
      case TENSOR.doubleData:
        r.doubles(wireType, floats);
        break;
      case TENSOR.int32Data:
      case TENSOR.int64Data:
      case TENSOR.uint64Data:
        r.varints(wireType, ints);
        break;
      case TENSOR.dataLocation:
        r.expect(wireType, VARINT);
        if (r.varint() === 1) t.external = true;
        break;
      case TENSOR.externalData:
        t.external = true;
        r.skip(wireType);
        break;
      default:
        r.skip(wireType);
    }
  }
  if (floats.length) t.floats = floats;
  if (ints.length) t.ints = ints;
  return t;
}

function decodeAttribute(r: ProtoReader): { name: string; value: OnnxAttributeValue } {
  let name = '';
  let type = 0;
  let f: number | undefined;
  let i: number | undefined;
  let s: string | undefined;
  let t: OnnxTensor | undefined;
  const floats: number[] = [];
  const ints: number[] = [];
  while (!r.done) {
    const { field, wireType } = r.next();
    switch (field) {
      case ATTRIBUTE.name:
        r.expect(wireType, LEN);
        name = r.string();
        break;
      case ATTRIBUTE.type:
        r.expect(wireType, VARINT);
        type = r.varint();
        break;
      case ATTRIBUTE.f:
        r.expect(wireType, WIRE_FIXED32);
        f = r.float32();
        break;
      case ATTRIBUTE.i:
        r.expect(wireType, VARINT);
        i = r.varint();
        break;
      case ATTRIBUTE.s:
        r.expect(wireType, LEN);
        s = r.string();
        break;
      case ATTRIBUTE.t:
        r.expect(wireType, LEN);
        t = decodeTensor(r.message());
        break;
      case ATTRIBUTE.floats:
        r.floats(wireType, floats);
        break;
      case ATTRIBUTE.ints:
        r.varints(wireType, ints);
        break;
      default:
        // Sub-graphs (If/Loop bodies) and the rest are not needed: skipping them also bounds recursion.
        r.skip(wireType);
    }
  }
  // IR < 2 files have no type discriminator: infer it from the field present.
  if (type === 0) type = f !== undefined ? ATTRIBUTE_TYPE.FLOAT : i !== undefined ? ATTRIBUTE_TYPE.INT : s !== undefined ? ATTRIBUTE_TYPE.STRING : t ? ATTRIBUTE_TYPE.TENSOR : floats.length ? ATTRIBUTE_TYPE.FLOATS : ints.length ? ATTRIBUTE_TYPE.INTS : 0;
  switch (type) {
    case ATTRIBUTE_TYPE.FLOAT:
      return { name, value: { type: 'float', value: f ?? 0 } };
    case ATTRIBUTE_TYPE.INT:
      return { name, value: { type: 'int', value: i ?? 0 } };
    case ATTRIBUTE_TYPE.STRING:
      return { name, value: { type: 'string', value: s ?? '' } };
    case ATTRIBUTE_TYPE.TENSOR:
      return { name, value: t ? { type: 'tensor', value: t } : { type: 'other' } };
    case ATTRIBUTE_TYPE.FLOATS:
      return { name, value: { type: 'floats', value: floats } };
    case ATTRIBUTE_TYPE.INTS:
      return { name, value: { type: 'ints', value: ints } };
    default:
      return { name, value: { type: 'other' } };
  }
}

function decodeNode(r: ProtoReader): OnnxNode {
  const n: OnnxNode = { name: '', opType: '', domain: '', inputs: [], outputs: [], attributes: new Map() };
  while (!r.done) {
    const { field, wireType } = r.next();
    switch (field) {
      case NODE.input:
        r.expect(wireType, LEN);
        n.inputs.push(r.string());
        break;
      case NODE.output:
        r.expect(wireType, LEN);
        n.outputs.push(r.string());
        break;
      case NODE.name:
        r.expect(wireType, LEN);
        n.name = r.string();
        break;
      case NODE.opType:
        r.expect(wireType, LEN);
        n.opType = r.string();
        break;
      case NODE.domain:
        r.expect(wireType, LEN);
        n.domain = r.string();
        break;
      case NODE.attribute: {
        r.expect(wireType, LEN);
        const a = decodeAttribute(r.message());
        n.attributes.set(a.name, a.value);
        break;
      }
      default:
        r.skip(wireType);
    }
  }
  return n;
}

function decodeDims(r: ProtoReader): OnnxDim[] {
  const dims: OnnxDim[] = [];
  while (!r.done) {
    const { field, wireType } = r.next();
    if (field !== SHAPE.dim) {
      r.skip(wireType);
      continue;
    }
    r.expect(wireType, LEN);
    const d = r.message();
    let dim: OnnxDim;
    while (!d.done) {
      const x = d.next();
      if (x.field === DIMENSION.dimValue && x.wireType === VARINT) dim = d.varint();
      else if (x.field === DIMENSION.dimParam && x.wireType === LEN) dim = d.string();
      else d.skip(x.wireType);
    }
    dims.push(dim);
  }
  return dims;
}

function decodeValueInfo(r: ProtoReader): OnnxValueInfo {
  const v: OnnxValueInfo = { name: '', elemType: 0 };
  while (!r.done) {
    const { field, wireType } = r.next();
    if (field === VALUE_INFO.name) {
      r.expect(wireType, LEN);
      v.name = r.string();
    } else if (field === VALUE_INFO.type) {
      r.expect(wireType, LEN);
      const type = r.message();
      while (!type.done) {
        const x = type.next();
        if (x.field !== TYPE.tensorType) {
          type.skip(x.wireType);
          continue;
        }
        type.expect(x.wireType, LEN);
        const tensor = type.message();
        while (!tensor.done) {
          const y = tensor.next();
          if (y.field === TYPE_TENSOR.elemType && y.wireType === VARINT) v.elemType = tensor.varint();
          else if (y.field === TYPE_TENSOR.shape && y.wireType === LEN) v.dims = decodeDims(tensor.message());
          else tensor.skip(y.wireType);
        }
      }
    } else {
      r.skip(wireType);
    }
  }
  return v;
}

function decodeGraph(r: ProtoReader): OnnxGraph {
  const g: OnnxGraph = { name: '', nodes: [], initializers: [], inputs: [], outputs: [] };
  while (!r.done) {
    const { field, wireType } = r.next();
    switch (field) {
      case GRAPH.node:
        r.expect(wireType, LEN);
        g.nodes.push(decodeNode(r.message()));
        break;
      case GRAPH.name:
        r.expect(wireType, LEN);
        g.name = r.string();
        break;
      case GRAPH.initializer:
        r.expect(wireType, LEN);
        g.initializers.push(decodeTensor(r.message()));
        break;
      case GRAPH.input:
        r.expect(wireType, LEN);
        g.inputs.push(decodeValueInfo(r.message()));
        break;
      case GRAPH.output:
        r.expect(wireType, LEN);
        g.outputs.push(decodeValueInfo(r.message()));
        break;
      default:
        r.skip(wireType);
    }
  }
  return g;
}

/** Decode a ModelProto. Throws ProtoFormatError on malformed protobuf. */
export function decodeOnnxModel(bytes: Uint8Array): OnnxModel | undefined {
  const r = new ProtoReader(bytes);
  const m: OnnxModel = { irVersion: 0, producerName: '', producerVersion: '', opsets: [], graph: undefined as unknown as OnnxGraph, metadata: new Map() };
  let hasGraph = false;
  while (!r.done) {
    const { field, wireType } = r.next();
    switch (field) {
      case MODEL.irVersion:
        r.expect(wireType, VARINT);
        m.irVersion = r.varint();
        break;
      case MODEL.producerName:
        r.expect(wireType, LEN);
        m.producerName = r.string();
        break;
      case MODEL.producerVersion:
        r.expect(wireType, LEN);
        m.producerVersion = r.string();
        break;
      case MODEL.graph:
        r.expect(wireType, LEN);
        m.graph = decodeGraph(r.message());
        hasGraph = true;
        break;
      case MODEL.opsetImport: {
        r.expect(wireType, LEN);
        const op = r.message();
        const entry = { domain: '', version: 0 };
        while (!op.done) {
          const x = op.next();
          if (x.field === OPSET_ID.domain && x.wireType === LEN) entry.domain = op.string();
          else if (x.field === OPSET_ID.version && x.wireType === VARINT) entry.version = op.varint();
          else op.skip(x.wireType);
        }
        m.opsets.push(entry);
        break;
      }
      case MODEL.metadataProps: {
        r.expect(wireType, LEN);
        const e = r.message();
        let key = '';
        let value = '';
        while (!e.done) {
          const x = e.next();
          if (x.field === STRING_ENTRY.key && x.wireType === LEN) key = e.string();
          else if (x.field === STRING_ENTRY.value && x.wireType === LEN) value = e.string();
          else e.skip(x.wireType);
        }
        m.metadata.set(key, value);
        break;
      }
      default:
        r.skip(wireType);
    }
  }
  // A valid protobuf that is not a model (or an empty file) has no graph or IR version.
  return hasGraph && m.irVersion > 0 ? m : undefined;
}
