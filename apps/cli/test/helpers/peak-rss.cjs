// Preloaded into a CLI child by the memory tests (node -r): on exit, write this process's peak
// resident memory (resourceUsage().maxRSS, KiB) to the file named by PEAK_RSS_FILE.
const { writeFileSync } = require('node:fs');
const file = process.env.PEAK_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
