// Lint: typescript-eslint recommended rules plus Nx module boundaries. The dependency direction of
// docs/architecture.md is enforced here: a library importing an app or a tool, a layer importing one above it, or
// anything importing the black-box tests of e2e/ fails lint.
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
          { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['layer:model', 'layer:convert', 'layer:io', 'layer:framework', 'layer:kube', 'layer:runtime', 'type:tool'] },
          { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['layer:model', 'layer:convert', 'layer:io', 'layer:framework', 'layer:kube', 'layer:runtime', 'type:app', 'type:tool'] },
          { sourceTag: 'type:bench', onlyDependOnLibsWithTags: ['layer:model', 'layer:convert', 'layer:io', 'layer:framework', 'layer:kube', 'layer:runtime', 'type:app', 'type:tool'] },
          // The testkit is the bottom of the tooling: it names what it needs from the control plane as an interface.
          { sourceTag: 'scope:testkit', notDependOnLibsWithTags: ['type:app', 'type:tool', 'type:e2e', 'type:bench'] },
        ],
      }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    // Tests may use the testkit, the control plane and the test helpers of other layers; product code may not.
    // Nothing imports the black-box tests of e2e/ (their helpers live in @thv/testkit).
    files: ['**/*.test.ts', '**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-expressions': 'off',
      '@nx/enforce-module-boundaries': ['error', {
        enforceBuildableLibDependency: false,
        allow: [],
        depConstraints: [{ sourceTag: '*', onlyDependOnLibsWithTags: ['layer:model', 'layer:convert', 'layer:io', 'layer:framework', 'layer:kube', 'layer:runtime', 'type:app', 'type:tool', 'type:bench'] }],
      }],
    },
  },
  {
    // README examples are written as a consumer would: they import their own library by its package name.
    files: ['libs/*/examples/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
]
