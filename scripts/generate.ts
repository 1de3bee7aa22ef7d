/**
 * `npm run generate`: writes the files derived from the package's schema, so that they cannot drift from
 * the Args interfaces: the stack-config keys of every system (`stacks/config-keys.json`). With `--check`,
 * writes nothing and fails naming every stale file (the unit tests run the same check).
 */
import * as fs from "fs";
import * as path from "path";
import { PackageSpec } from "@pulumi/pulumi/provider/experimental/schema";
import { ROOT, allConfigKeys, packageSchema } from "./package-schema";

/** Every generated file: its path from the repository root and its expected content. */
export function generatedFiles(schema: PackageSpec = packageSchema()): Record<string, string> {
    return {
        "stacks/config-keys.json": JSON.stringify(allConfigKeys(schema), null, 4) + "\n",
    };
}

/** The generated files whose content on disk differs from what they should hold. */
export function staleFiles(files: Record<string, string>): string[] {
    return Object.entries(files)
        .filter(([file, content]) => !fs.existsSync(path.join(ROOT, file)) || fs.readFileSync(path.join(ROOT, file), "utf8") !== content)
        .map(([file]) => file);
}

function main(argv: string[]): void {
    const files = generatedFiles();
    if (argv.includes("--check")) {
        const stale = staleFiles(files);
        if (stale.length > 0) throw new Error(`stale generated files (run npm run generate): ${stale.join(", ")}`);
        console.log(`${Object.keys(files).length} generated files up to date`);
        return;
    }
    for (const [file, content] of Object.entries(files)) fs.writeFileSync(path.join(ROOT, file), content);
    console.log(`wrote ${Object.keys(files).join(", ")}`);
}

if (require.main === module) {
    try {
        main(process.argv.slice(2));
    } catch (err) {
        console.error((err as Error).message);
        process.exit(1);
    }
}
