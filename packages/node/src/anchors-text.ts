/**
 * Anchors as a person types them, for models whose files carry none (Keras files, ONNX files
 * without our metadata): one group per head in output order, separated by ';' (or '|'), each
 * anchor `w,h` in input pixels, anchors separated by spaces:
 *   "81,82 135,169 344,319; 23,27 37,58 81,82"
 */
import { printable } from '@yolo-saliency/core';
import { GRAPH_LIMITS } from '@yolo-saliency/core/graph';

export type AnchorsPerHead = Array<Array<[number, number]>>;

/**
 * Parse anchors text; throws a message (without any option name) saying what is wrong. The
 * text is quoted escaped and cut (`printable`): it may come from a web request.
 */
export function parseAnchorsText(text: string): AnchorsPerHead {
  const groups = text.split(/[;|]/).map((g) => g.trim());
  if (groups.length === 0 || groups.some((g) => g === '')) throw new Error(`anchors '${printable(text, 120)}' have an empty head group (write 'w,h w,h ...; w,h ...')`);
  return groups.map((group, k) => {
    const anchors = group.split(/\s+/).map((pair): [number, number] => {
      const parts = pair.split(',');
      const [w, h] = parts.map(Number);
      const ok = (v: number) => Number.isFinite(v) && v > 0 && v <= GRAPH_LIMITS.anchorSize;
      if (parts.length !== 2 || !ok(w) || !ok(h)) {
        throw new Error(`head ${k}: anchor '${printable(pair, 60)}' is not 'w,h' with a width and height in (0, ${GRAPH_LIMITS.anchorSize}] pixels`);
      }
      return [w, h];
    });
    if (anchors.length > GRAPH_LIMITS.anchorsPerHead) throw new Error(`head ${k}: ${anchors.length} anchors, more than ${GRAPH_LIMITS.anchorsPerHead}`);
    return anchors;
  });
}
