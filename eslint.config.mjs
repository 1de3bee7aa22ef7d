import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/**", "bin/**"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        rules: {
            eqeqeq: "error",
            "prefer-const": "error",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
        },
    },
    {
        // Tests poke into registered inputs; policies read untyped resource props (`Record<string, any>` in @pulumi/policy).
        files: ["tests/**/*.ts", "policies/**/*.ts"],
        rules: { "@typescript-eslint/no-explicit-any": "off" },
    },
);
