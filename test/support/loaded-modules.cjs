// Preloaded into an agent under test (node -r): when it exits, writes what it loaded to the file
// named by LOADED_MODULES_FILE, as JSON: Node's own modules, and the files it required.
'use strict';
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  const builtins = process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length));
  writeFileSync(process.env.LOADED_MODULES_FILE, JSON.stringify({ builtins, files: Object.keys(require.cache) }));
});
