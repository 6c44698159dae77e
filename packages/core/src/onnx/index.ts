// @yolo-saliency/core/onnx: ONNX export and import of the IR (pure TypeScript, no protobuf dependency).
export { exportOnnx } from './export.js';
export { importOnnx } from './import.js';
export { BATCH_DIM } from './export-types.js';
export type { OnnxExport, OnnxExportOptions, OnnxOutputDtype, OnnxOutputInfo, OnnxOutputKind, OnnxTapeOptions } from './export-types.js';
export type { OnnxImport, OnnxImportOptions } from './import-types.js';
export { DEFAULT_ONNX_INPUT_SIZE } from './import-types.js';
export { GRAPH_METADATA_KEY, OUTPUTS_METADATA_KEY, WEIGHTS_SOURCE_METADATA_KEY } from './graph-metadata.js';
export { addNhwcBoundary, withNhwcBoundary, LAYOUT_METADATA_KEY, type NhwcModel } from './nhwc-boundary.js';
