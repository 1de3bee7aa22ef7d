/**
 * `npm run generate`: writes the files derived from the package's schema, so that they cannot drift from
 * the code: the stack-config keys of every system (`stacks/config-keys.json`), each system's reference
 * page (`docs/components/<system>.md`) and the policy table of `docs/policy-pack.md` (from the registry). With `--check`,
 * writes nothing and fails naming every stale file (the unit tests run the same check).
 */
import * as fs from "fs";
import * as path from "path";
import { PackageSpec } from "@pulumi/pulumi/provider/experimental/schema";
import * as prettier from "prettier";
import { policyTable } from "../policies/registry";
import { componentPages } from "./component-docs";
import { ROOT, allConfigKeys, packageSchema } from "./package-schema";

/** Every generated file: its path from the repository root and its expected content. */
export async function generatedFiles(schema: PackageSpec = packageSchema()): Promise<Record<string, string>> {
    const files: Record<string, string> = {
        "stacks/config-keys.json": JSON.stringify(allConfigKeys(schema), null, 4) + "\n",
        ...componentPages(),
        "docs/policy-pack.md": withGenerated("docs/policy-pack.md", "policy-table", policyTable()),
    };
    // Formatted as `npm run lint` expects (prettier with the repository's settings).
    for (const [file, content] of Object.entries(files)) {
        const options = await prettier.resolveConfig(path.join(ROOT, file));
        if (file.endsWith(".md")) files[file] = await prettier.format(content, { ...options, filepath: path.join(ROOT, file) });
    }
    return files;
}

/**
 * The hand-written file `file` with the part between `<!-- generated: <section> -->` and
 * `<!-- end generated -->` replaced by `content`.
 */
function withGenerated(file: string, section: string, content: string): string {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    const begin = `<!-- generated: ${section} (npm run generate) -->\n`;
    const end = "<!-- end generated -->";
    const from = text.indexOf(begin);
    const to = text.indexOf(end, from);
    if (from < 0 || to < 0) throw new Error(`${file} has no ${JSON.stringify(begin.trim())} ... ${JSON.stringify(end)} section`);
    return text.slice(0, from + begin.length) + "\n" + content + "\n" + text.slice(to);
}

/** The generated files whose content on disk differs from what they should hold. */
export function staleFiles(files: Record<string, string>): string[] {
    return Object.entries(files)
        .filter(([file, content]) => !fs.existsSync(path.join(ROOT, file)) || fs.readFileSync(path.join(ROOT, file), "utf8") !== content)
        .map(([file]) => file);
}

async function main(argv: string[]): Promise<void> {
    const files = await generatedFiles();
    if (argv.includes("--check")) {
        const stale = staleFiles(files);
        if (stale.length > 0) throw new Error(`stale generated files (run npm run generate): ${stale.join(", ")}`);
        console.log(`${Object.keys(files).length} generated files up to date`);
        return;
    }
    for (const [file, content] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(ROOT, file)), { recursive: true });
        fs.writeFileSync(path.join(ROOT, file), content);
    }
    console.log(`wrote ${Object.keys(files).join(", ")}`);
}

if (require.main === module) {
    main(process.argv.slice(2)).catch((err: Error) => {
        console.error(err.message);
        process.exit(1);
    });
}
