// runtime-tfjs imports node:module and node:path only when it runs in Node.js; in the page's
// bundle they are this empty module (and never called).
export {};
