/** A trained model as the bytes of a darknet .weights file for its cfg. */
import { darknetConvShapes, encodeDarknetWeights } from '@yolo-saliency/core/loaders';
import type { TrainableDarknet } from './trainable-darknet.js';

export async function darknetWeightsBytes(model: TrainableDarknet, imagesSeen: number): Promise<Uint8Array> {
  return encodeDarknetWeights(darknetConvShapes(model.cfg), await model.darknetParams(), imagesSeen);
}
