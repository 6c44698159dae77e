// Mean faithfulness per method over several `yolo-saliency evaluate --json` outputs (one per
// photo and target): pointing accuracy, deletion and insertion AUC beside their random-order
// baselines, IG completeness, Spearman at full randomisation. Prints a Markdown table.
import { readFileSync } from 'node:fs';

const files = process.argv.slice(2);
const perMethod = new Map();
let samples = 0;
for (const file of files) {
  const summary = JSON.parse(readFileSync(file, 'utf8'));
  for (const image of summary.images) {
    samples++;
    for (const m of image.methods) {
      const acc = perMethod.get(m.method) ?? { n: 0, hits: 0, del: 0, delRandom: 0, ins: 0, insRandom: 0, spearman: 0, signed: 0, completeness: [] };
      acc.n++;
      acc.hits += m.pointing?.hit ? 1 : 0;
      acc.del += m.deletion.auc;
      acc.delRandom += m.deletion.randomAuc;
      acc.ins += m.insertion.auc;
      acc.insRandom += m.insertion.randomAuc;
      acc.spearman += m.randomization.spearman;
      acc.signed += m.randomization.signedSpearman;
      if (m.completenessError !== undefined) acc.completeness.push(m.completenessError);
      perMethod.set(m.method, acc);
    }
  }
}
const f = (v) => v.toFixed(3);
console.log(`${samples} explained detections`);
console.log('| method | pointing | deletion AUC (random) | insertion AUC (random) | Spearman, full randomisation: abs | signed | IG completeness error |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const [method, a] of perMethod) {
  const completeness = a.completeness.length ? `${(100 * a.completeness.reduce((s, v) => s + v, 0) / a.completeness.length).toFixed(1)}%` : '';
  console.log(`| ${method} | ${f(a.hits / a.n)} | ${f(a.del / a.n)} (${f(a.delRandom / a.n)}) | ${f(a.ins / a.n)} (${f(a.insRandom / a.n)}) | ${f(a.spearman / a.n)} | ${f(a.signed / a.n)} | ${completeness} |`);
}
