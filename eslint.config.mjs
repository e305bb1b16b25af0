// typescript-eslint's recommended rules. `any` is allowed: rules and reports walk
// arbitrary YAML objects, where a precise type would be a lie.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'lib/', 'dist/', 'coverage/', 'temp/', 'imports/', '**/*.js', '**/*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-require-imports': 'off',
      // A model by its kind's module: a group index (`kubernetes-models/v1`) loads every kind of the group, hundreds of
      // validator modules (the library's load went from 635 to 959 modules with two such imports). Types may come from it.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(kubernetes-models|@kubernetes-models/[^/]+)(/[a-z0-9.-]+)?/v[0-9]+((alpha|beta)[0-9]+)?$',
              allowTypeImports: true,
              message: "import the model from its kind's module (e.g. 'kubernetes-models/v1/ConfigMap')",
            },
            {
              // Importing a test file registers its tests again inside the importing suite (they ran three times once).
              regex: '\\.test(\\.ts)?$',
              message: 'move what both suites share into a module that is not a test file (e.g. test/helpers.ts)',
            },
          ],
        },
      ],
    },
  },
);
