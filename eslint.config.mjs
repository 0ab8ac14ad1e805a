import js from '@eslint/js';
import tseslint from 'typescript-eslint';

function layer(files, forbidden) {
  return {
    files: [files],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: forbidden, message: 'imports point down only (see DESIGN.md, Layout)' }] }],
    },
  };
}

export default tseslint.config(
  { ignores: ['build/', 'node_modules/', 'coverage/', 'bench/.tmp/', '.ci-work/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Layers point one way: sequelize/ at the bottom; tracing/ and audit/ never on each other;
  // store/ never on tracing/ or audit/.
  layer('src/sequelize/**', ['**/tracing/**', '**/audit/**', '**/store/**', '**/processor/**', '**/query/**', '**/cli/**']),
  layer('src/tracing/**', ['**/audit/**', '**/store/**', '**/processor/**', '**/query/**', '**/cli/**']),
  layer('src/audit/**', ['**/tracing/**', '**/store/**', '**/processor/**', '**/query/**', '**/cli/**']),
  layer('src/store/**', ['**/tracing/**', '**/audit/**', '**/processor/**', '**/query/**', '**/cli/**']),
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
