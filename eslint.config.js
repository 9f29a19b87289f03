// Type-aware lint: the rules that catch un-awaited promises matter most in a daemon,
// where a floating promise is an unhandled rejection waiting to kill the process.
// The layers rule keeps imports running downwards between the top-level folders.
import { dirname, relative, resolve, sep } from 'node:path';
import tseslint from 'typescript-eslint';

/**
 * What each top-level folder may import from the others (relative imports only). core/ is the
 * ground floor (clock, the two languages, the base error, backoff, the one-at-a-time queue,
 * packageRoot), which imports nothing of the project; hal/ sits on it; telemetry/ builds on hal/; platform/ is the plumbing the two programs share; agent/
 * and dashboard/ are the programs. Only the CLI (agent/cli.ts and agent/cli/), the composition
 * root, wires the dashboard in. scripts/ and test/ sit on top and may use anything.
 */
export const LAYERS = {
  core: [],
  hal: ['core'],
  telemetry: ['core', 'hal'],
  platform: ['core', 'hal', 'telemetry'],
  dashboard: ['core', 'hal', 'telemetry', 'platform'],
  agent: ['core', 'hal', 'telemetry', 'platform'],
  scripts: ['core', 'hal', 'telemetry', 'platform', 'agent', 'dashboard'],
  test: ['core', 'hal', 'telemetry', 'platform', 'agent', 'dashboard', 'scripts'],
};
const COMPOSITION_ROOT = [`agent${sep}cli.ts`, `agent${sep}cli${sep}`];

const importsDownward = {
  meta: {
    type: 'problem',
    docs: { description: 'relative imports only run downwards between the top-level folders (see LAYERS)' },
    messages: {
      upward: '{{from}}/ must not import {{to}}/ ({{spec}}): {{from}}/ may import only {{allowed}}. Move what both need below both, or pass it in.',
    },
    schema: [],
  },
  create(context) {
    const root = context.cwd;
    const file = relative(root, context.filename);
    const from = file.split(sep)[0];
    const allowed = LAYERS[from];
    if (!allowed) return {};
    const mayImportDashboard = COMPOSITION_ROOT.some((p) => file === p || file.startsWith(p));
    const check = (node) => {
      const spec = node?.type === 'Literal' && typeof node.value === 'string' ? node.value : undefined;
      if (!spec || !spec.startsWith('.')) return;
      const to = relative(root, resolve(dirname(context.filename), spec)).split(sep)[0];
      if (to === from || allowed.includes(to) || (to === 'dashboard' && mayImportDashboard)) return;
      if (!(to in LAYERS)) return;
      context.report({ node, messageId: 'upward', data: { from, to, spec, allowed: allowed.length ? allowed.map((a) => `${a}/`).join(', ') : 'nothing of the project' } });
    };
    return {
      ImportDeclaration: (n) => check(n.source),
      ExportNamedDeclaration: (n) => check(n.source),
      ExportAllDeclaration: (n) => check(n.source),
      ImportExpression: (n) => check(n.source),
    };
  },
};

export const layersPlugin = { rules: { 'imports-downward': importsDownward } };

export default tseslint.config(
  { ignores: ['dist/', 'build/', 'node_modules/', 'data/', 'coverage/', 'eslint.config.js'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: "./tsconfig.json", tsconfigRootDir: import.meta.dirname },
    },
    plugins: { layers: layersPlugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'layers/imports-downward': 'error',
    },
  },
  {
    // The dashboard's page and the station page: plain browser scripts, served as written (no build step).
    files: ['dashboard/web/**/*.js', 'agent/operator/web/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'module',
      globals: Object.fromEntries(
        ['window', 'document', 'location', 'localStorage', 'fetch', 'EventSource', 'requestAnimationFrame', 'URL', 'console', 'setInterval', 'setTimeout', 'AbortSignal', 'CustomEvent'].map((g) => [g, 'readonly']),
      ),
    },
    rules: { ...tseslint.configs.disableTypeChecked.rules, 'no-undef': 'error', 'layers/imports-downward': 'off' },
  },
  {
    // Stand-ins that tests run as processes of their own: plain Node scripts (typed by a .d.mts beside them).
    files: ['test/support/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, sourceType: 'module', globals: { process: 'readonly', Buffer: 'readonly' } },
    rules: { ...tseslint.configs.disableTypeChecked.rules, 'no-undef': 'error', 'layers/imports-downward': 'off' },
  },
  {
    // Preloaded into an agent under test with node -r: CommonJS, so it does not start Node's ES module loader.
    files: ['test/support/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, sourceType: 'commonjs', globals: { process: 'readonly', require: 'readonly' } },
    rules: { ...tseslint.configs.disableTypeChecked.rules, '@typescript-eslint/no-require-imports': 'off', 'no-undef': 'error', 'layers/imports-downward': 'off' },
  },
);
