// Lint: typescript-eslint's recommended rules over every TypeScript source in the repo, and its
// type-checked rules (recommendedTypeChecked) over the sources tsconfig.json compiles.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const TYPED = ["provider/**/*.ts", "emulator/**/*.ts", "testkit/**/*.ts", "scripts/**/*.ts", "bench/**/*.ts", "test/**/*.ts"];

export default tseslint.config(
    { ignores: ["dist/**", "node_modules/**", "**/node_modules/**", ".state/**", "policy/dist/**"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    ...tseslint.configs.recommendedTypeChecked.map((config) => ({ ...config, files: TYPED })),
    {
        files: TYPED,
        languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
        rules: {
            // Passing on a caught `unknown` (a rejection forwarded to its waiters) is not inventing a non-Error.
            "@typescript-eslint/prefer-promise-reject-errors": ["error", { allowThrowingUnknown: true }],
            "@typescript-eslint/only-throw-error": ["error", { allowThrowingUnknown: true }],
        },
    },
    {
        // Tests read Defender's and the emulator's JSON answers as `any` (HttpResult.json) and assert on
        // their shape; the assertions are the type check there.
        files: ["test/**/*.ts"],
        rules: {
            "@typescript-eslint/no-unsafe-argument": "off",
            "@typescript-eslint/no-unsafe-assignment": "off",
            "@typescript-eslint/no-unsafe-call": "off",
            "@typescript-eslint/no-unsafe-member-access": "off",
            "@typescript-eslint/no-unsafe-return": "off",
        },
    },
    {
        rules: {
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
            "@typescript-eslint/no-require-imports": "off",
        },
    },
);
