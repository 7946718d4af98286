// ESLint: typescript-eslint's type-checked rules over the library, the tests and the benchmarks.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/**', 'build/**', 'node_modules/**', '.mmk-cache/**', 'src/scaffold/templates/**', 'examples/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Escaping terminal control characters is this tool's job: its patterns name them on purpose.
      'no-control-regex': 'off',
      // A callback may read a `let` that is assigned once, later (a kill switch set after a spawn).
      // An async function that awaits nothing still turns a throw into a rejection, which the variant
      // builders and the tests' fakes of async interfaces rely on.
      '@typescript-eslint/require-await': 'off',
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // A leading underscore marks a value taken apart only to be left out (`{ secret: _s, ...rest }`).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Tests: fetch fakes stringify RequestInfo, and JSON read back from a real registry or the CLI's
    // --json is `any` until an assertion checks it.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
