import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const noVscode = {
  'no-restricted-imports': [
    'error',
    {
      paths: [{ name: 'vscode', message: 'src/core, src/emulator and webview code must stay free of the VS Code API.' }],
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test-results/**', '*.vsix'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Typed lint: each file is checked with the tsconfig that compiles it, found by the project service as the nearest
    // tsconfig.json (root: src + test; src/webview/tsconfig.json → tsconfig.webview.json; bench/tsconfig.json). The DOM
    // unit tests, which the root tsconfig excludes, use tsconfig.webview-test.json as the default project.
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['test/unit/*/*.dom.test.ts', 'test/unit/*/fixtures/*.dom.ts'], defaultProject: 'tsconfig.webview-test.json' },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: "Identifier[name='unsafe-inline']", message: 'no unsafe-inline' }],
    },
  },
  { files: ['src/core/**/*.ts', 'src/emulator/**/*.ts', 'src/webview/**/*.ts', 'src/shared/**/*.ts', 'src/cli/**/*.ts'], rules: noVscode },
  { files: ['src/webview/**/*.ts'], languageOptions: { globals: { ...globals.browser } } },
  { files: ['**/*.mjs', '**/*.js'], languageOptions: { globals: { ...globals.node } } },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
