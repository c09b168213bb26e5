// Lint: typescript-eslint recommended rules plus Nx module boundaries. The dependency direction of
// DESIGN §2 is enforced here: a library importing an app, or a layer importing one above it, fails lint.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import nx from '@nx/eslint-plugin'

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', 'coverage/**', '.nx/**', '.test-results/**', '**/*.cjs', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': ['error', {
        enforceBuildableLibDependency: false,
        allow: [],
        depConstraints: [
          { sourceTag: 'layer:model', onlyDependOnLibsWithTags: ['layer:model'] },
          { sourceTag: 'layer:convert', onlyDependOnLibsWithTags: ['layer:model'] },
          { sourceTag: 'layer:kube', onlyDependOnLibsWithTags: [] },
          { sourceTag: 'layer:runtime', onlyDependOnLibsWithTags: [] },
          { sourceTag: 'layer:io', onlyDependOnLibsWithTags: ['layer:convert', 'layer:model', 'layer:kube'] },
          { sourceTag: 'layer:framework', onlyDependOnLibsWithTags: ['layer:framework', 'layer:kube'] },
          { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['layer:io', 'layer:convert', 'layer:model', 'layer:framework', 'layer:kube', 'layer:runtime'] },
          { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['layer:model', 'layer:convert'] },
          { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['*'] },
          { sourceTag: 'type:bench', onlyDependOnLibsWithTags: ['*'] },
        ],
      }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    // Tests may use the control-plane harness and the test helpers of other layers; product code may not.
    files: ['**/*.test.ts', '**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-expressions': 'off',
      '@nx/enforce-module-boundaries': ['error', {
        enforceBuildableLibDependency: false,
        allow: [],
        depConstraints: [{ sourceTag: '*', onlyDependOnLibsWithTags: ['*'] }],
      }],
    },
  },
  {
    // README examples are written as a consumer would: they import their own library by its package name.
    files: ['libs/*/examples/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
]
