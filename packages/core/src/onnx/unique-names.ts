/** Hands out names that are unique within one ONNX graph (or IR graph), suffixing clashes. */
export class UniqueNames {
  private readonly used = new Set<string>();

  /** `wanted` itself when free, else `wanted_1`, `wanted_2`, ... */
  take(wanted: string): string {
    let name = wanted;
    for (let k = 1; this.used.has(name); k++) name = `${wanted}_${k}`;
    this.used.add(name);
    return name;
  }

  has(name: string): boolean {
    return this.used.has(name);
  }
}
