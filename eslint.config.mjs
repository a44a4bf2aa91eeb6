// ESLint 9 flat config: @eslint/js recommended + typescript-eslint recommended + the type-checked promise rules, for the whole repository.
// `npm run lint` runs this and `prettier --check .` (formatting is prettier's job, not ESLint's).
// @ts-check
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

/** Node's CommonJS globals, for the few plain .js/.cjs files (examples' helper scripts). */
const nodeGlobals = Object.fromEntries(
    [
        "require",
        "module",
        "exports",
        "process",
        "console",
        "__dirname",
        "__filename",
        "Buffer",
        "setTimeout",
        "clearTimeout",
        "setInterval",
        "clearInterval",
        "URL",
        "fetch",
    ].map((name) => [name, "readonly"]),
);

export default tseslint.config(
    {
        ignores: ["**/node_modules/**", "dist/**", ".pulumi-cli/**", ".pulumi-state/**", ".bench/**", "coverage/**", "examples/*/bin/**"],
    },
    eslint.configs.recommended,
    tseslint.configs.recommended,
    {
        // Type-checked rules (they read the TypeScript program of tsconfig.json).
        files: ["**/*.ts"],
        languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
        rules: {
            // A promise nobody awaits loses its rejection: await it, or say `void` where that is the intent.
            "@typescript-eslint/no-floating-promises": "error",
            "@typescript-eslint/no-misused-promises": "error",
        },
    },
    {
        rules: {
            // `_`-prefixed names are deliberately unused (destructuring a field away, an ignored parameter).
            "@typescript-eslint/no-unused-vars": [
                "error",
                {
                    argsIgnorePattern: "^_",
                    varsIgnorePattern: "^_",
                    caughtErrorsIgnorePattern: "^_",
                    destructuredArrayIgnorePattern: "^_",
                    ignoreRestSiblings: true,
                },
            ],
            // `let x; ... closure reads x ...; x = ...` is how a value refers to itself before it exists.
            "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
        },
    },
    {
        // The serialized provider loads the package's runtime entry with a plain require() at run time, by design.
        files: ["provider/shim.ts"],
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
    {
        files: ["**/*.js", "**/*.cjs"],
        languageOptions: { sourceType: "commonjs", globals: nodeGlobals },
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
    {
        files: ["**/*.mjs"],
        languageOptions: { sourceType: "module", globals: nodeGlobals },
    },
    {
        // Tests: chai assertions are expressions (`expect(x).to.be.true`), and loosely typed fixtures are fine.
        files: ["tests/**/*.ts"],
        rules: {
            "@typescript-eslint/no-unused-expressions": "off",
            "@typescript-eslint/no-explicit-any": "off",
        },
    },
);
