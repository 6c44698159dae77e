/**
 * What is explained. A target is a sum of terms; each term is a scalar of the raw heads.
 *
 * Spec syntax (CLI `--target`): TERM ('+' TERM)*
 *   raw:scale=S,anchor=A,y=Y,x=X,channel=C      the raw head value itself
 *   DETECTION[/QUANTITY]                        a scalar of a detection
 *   DETECTION := top | det:K | class:NAME       (K-th after NMS by score; best of a class)
 *   QUANTITY  := score (default) | objectness | class | logit | x | y | w | h
 * score = sigmoid(obj) × sigmoid(class logit); class = sigmoid(class logit); logit = the raw
 * class logit; x, y, w, h = the decoded box centre and size in network-input pixels.
 */
export type Quantity = 'score' | 'objectness' | 'class' | 'logit' | 'x' | 'y' | 'w' | 'h';

export type DetectionSelector =
  | { kind: 'top' }
  | { kind: 'det'; index: number }
  | { kind: 'class'; name: string };

export type TargetTerm =
  | { kind: 'raw'; scale: number; anchor: number; y: number; x: number; channel: number }
  | { kind: 'detection'; selector: DetectionSelector; quantity: Quantity };

export interface TargetSpec {
  terms: TargetTerm[];
}

/**
 * A target made concrete for one image: raw-head positions with the function of them to
 * differentiate. Detection targets are resolved once (on the unperturbed input) and then
 * stay on the same cell/anchor/class for every IG step or SmoothGrad sample.
 */
export interface ResolvedTerm {
  scale: number;
  anchor: number;
  y: number;
  x: number;
  /** For detection terms: the class index; raw terms: the channel. */
  quantity: Quantity | 'raw';
  channel: number;
}
