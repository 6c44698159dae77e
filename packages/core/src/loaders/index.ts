// @yolo-saliency/core/loaders: darknet .cfg/.weights and Keras .h5/.keras, from bytes (no file access).
export * from './darknet/index.js';
export * from './keras/index.js';
