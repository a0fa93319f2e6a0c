// ESLint flat config: typescript-eslint strictTypeChecked, type-only imports, and the shared/ layer rules (kernel, features, models).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'cdk.out/**',
      'dist/**',
      '.data/**',
      'coverage/**',
      '*.config.js',
      'client/tui/bin.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Layers of shared/ (docs/adr/006): kernel <- features <- registries (features/index.ts, catalog.ts) <- compose.
  // Every block repeats the adapter ban because a file's last matching block wins for a rule.
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['**/lambdas/**', '**/relay/**', '**/infra/**', '**/local/**'] },
      ],
    },
  },
  {
    // The kernel is pure (no I/O, no AWS) and knows no feature except the error/event catalog it is built from.
    files: ['shared/kernel/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/lambdas/**', '**/relay/**', '**/infra/**', '**/local/**'] },
            {
              group: ['@aws-sdk/*', 'node:*', '../storage/*', '../auth/*', '../platform/*'],
              message: 'The kernel is pure.',
            },
            {
              regex: '^\\.\\./features/(?!catalog\\.js$)',
              message: 'The kernel may import only features/catalog.js.',
            },
          ],
        },
      ],
    },
  },
  {
    // A feature imports the kernel, the storage kernel and other features' public index only; never a registry.
    files: ['shared/features/*/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/lambdas/**', '**/relay/**', '**/infra/**', '**/local/**'] },
            {
              regex: '^\\.\\./(?!index\\.js$)[^./]+/(?!index\\.js$)',
              message: "Import another feature through its public index ('../<feature>/index.js').",
            },
            {
              regex: '^\\.\\./(index|catalog)\\.js$',
              message: 'Features do not import the feature registries.',
            },
          ],
        },
      ],
    },
  },
  {
    // Models stay pure: types, rows, projections. No I/O, no storage, no services.
    files: ['shared/features/*/model.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/lambdas/**', '**/relay/**', '**/infra/**', '**/local/**'] },
            {
              group: [
                '@aws-sdk/*',
                'node:*',
                '../../storage/*',
                '../../platform/*',
                '../../auth/*',
                './store*',
                './service*',
              ],
              message: 'Models stay pure (types, rows, projections).',
            },
            {
              regex: '^\\.\\./(?!index\\.js$)[^./]+/(?!index\\.js$)',
              message: "Import another feature through its public index ('../<feature>/index.js').",
            },
            {
              regex: '^\\.\\./(index|catalog)\\.js$',
              message: 'Features do not import the feature registries.',
            },
          ],
        },
      ],
      // A model's runtime imports are part of the catalog that DomainError reads at load: keep them type-only.
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports' }],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
