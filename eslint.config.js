// Lint rules: the recommended sets plus the few that keep `any` and floating promises out, and the
// architecture rules that keep every import arrow pointing down (docs/architecture.md).
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** Folders under shared/, lowest first: a folder may import only from folders before it. */
const LAYERS = [['platform'], ['events'], ['inbound', 'outbound'], ['billing', 'catalog'], ['openapi']];

const LAYER_ORDER = LAYERS.map((names) => names.join('/')).join(' ← ');

/** For each folder, the shared folders it must not import: its own layer's siblings and every layer above. */
const layerZones = LAYERS.flatMap((layer, rank) =>
  layer.map((folder) => ({
    target: `./shared/${folder}`,
    from: LAYERS.slice(rank)
      .flat()
      .filter((other) => other !== folder)
      .map((other) => `./shared/${other}`),
    message: `shared/${folder} may not import this folder; layers, lowest first: ${LAYER_ORDER}`,
  })),
).filter((zone) => zone.from.length > 0);

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', '.data/**', 'coverage/**', 'console/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      // Prettier wraps code at 120; this catches the long strings and comments it leaves alone.
      'max-len': ['error', { code: 120, ignoreUrls: true }],
      // esbuild cannot tree-shake zod's re-exported `z` binding: `import { z } from 'zod'` bundles every
      // locale and the JSON Schema converters (≈ 450 KB per function); the namespace import bundles ≈ 85 KB.
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "ImportDeclaration[source.value='zod'][importKind!='type'] > " +
            ":matches(ImportSpecifier[imported.name='z'][importKind!='type'], ImportDefaultSpecifier)",
          message: "Use `import * as z from 'zod'`: the `z` binding defeats tree shaking (≈ 450 KB per bundle).",
        },
      ],
    },
  },
  {
    files: ['functions/**/*.ts', 'shared/**/*.ts', 'infra/**/*.ts', 'bench/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // Imported .ts files are parsed as TypeScript (else no-cycle cannot follow them).
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js'],
      // Extensionless imports of .ts files resolve as tsc resolves them.
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json', '.node'] })],
    },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './shared',
              from: ['./functions', './infra'],
              message: 'shared/ never imports functions/ or infra/',
            },
            { target: './functions', from: './infra', message: 'functions/ never import infra/' },
            ...layerZones,
          ],
        },
      ],
    },
  },
  {
    // Functions a reader can hold in their head: split by meaning (one per store operation, route or
    // step), the CloudWatch dashboard included.
    files: ['functions/**/*.ts', 'shared/**/*.ts', 'infra/**/*.ts', 'console/src/**/*.{ts,tsx}'],
    rules: {
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true, IIFEs: true }],
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
