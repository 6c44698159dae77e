/** Linear warm-up, then cosine decay to `final` (a fraction of the peak) at the last step. */
export function learningRate(step: number, steps: number, peak: number, warmup: number, final = 0.02): number {
  if (step < warmup) return (peak * (step + 1)) / warmup;
  const progress = Math.min(1, (step - warmup) / Math.max(1, steps - warmup));
  return peak * (final + (1 - final) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}
