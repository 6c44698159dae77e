/**
 * Loaded with `node --import` before the CLI in fuzz cases: on exit, writes the process's peak
 * resident set size (KiB, from getrusage) to $FUZZ_RSS_FILE, so the harness knows each case's
 * peak memory. It changes nothing else.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.FUZZ_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try {
      writeFileSync(file, String(process.resourceUsage().maxRSS));
    } catch {
      // the folder is gone: the harness then reports no RSS for the case
    }
  });
}
