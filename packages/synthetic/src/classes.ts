/** The object classes, in class-index order (the label files and a trained model use this order). */
export const SYNTHETIC_CLASSES = ['circle', 'square', 'triangle', 'cross'] as const;

export type ShapeClass = (typeof SYNTHETIC_CLASSES)[number];

export function isShapeClass(name: string): name is ShapeClass {
  return (SYNTHETIC_CLASSES as readonly string[]).includes(name);
}
