/**
 * The component package's schema, inferred by the Pulumi SDK's own analyzer (the one the plugin host
 * runs for `pulumi package get-schema ./plugin`) from the entry point and the Args interfaces' TSDoc,
 * and the stack-config keys each system accepts, derived from it. Takes a few seconds (it compiles the
 * package), so the stack reads the derived keys from the file `npm run generate` writes.
 */
import * as fs from "fs";
import * as path from "path";
import { Analyzer } from "@pulumi/pulumi/provider/experimental/analyzer";
import { PackageSpec, generateSchema } from "@pulumi/pulumi/provider/experimental/schema";
import { STATEFUL_SYSTEMS } from "../components/systems";
import { AnySystemBinding } from "../components/lib/system";

/** The repository root (where package.json names the entry point). */
export const ROOT = path.resolve(__dirname, "..");

/** The package name, also the first part of every type token. */
export const PACKAGE = "stateful-k8s";

/** Infers the package's schema, as `pulumi package get-schema ./plugin` prints it. */
export function packageSchema(): PackageSpec {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    const names = new Set(STATEFUL_SYSTEMS.map((s) => s.component.name));
    const result = new Analyzer(ROOT, PACKAGE, pkg, names).analyze();
    return generateSchema(PACKAGE, pkg.version, pkg.description, result.components, result.typeDefinitions, result.dependencies);
}

/** The keys of one system's object in the stack config: plain keys, and groups (objects) with their keys. */
export interface ConfigKeys {
    /** Keys holding a value (or a list or map): `enabled` and every such argument. */
    plain: string[];
    /** Keys holding an object of known keys, with those keys. */
    groups: Record<string, string[]>;
}

/** The type token of the component a binding serves. */
export function componentToken(system: AnySystemBinding): string {
    return `${PACKAGE}:index:${system.component.name}`;
}

/**
 * The stack-config keys of a system: every input of its component, less its secrets (separate secret
 * keys) and the counts the program fills in from the last update, plus `enabled` (first; the rest in
 * alphabetical order).
 */
export function configKeys(schema: PackageSpec, system: AnySystemBinding): ConfigKeys {
    const inputs = schema.resources[componentToken(system)]?.inputProperties ?? {};
    const secretPaths = Object.keys(system.secrets);
    const out: ConfigKeys = { plain: ["enabled"], groups: {} };
    for (const [name, prop] of Object.entries(inputs)) {
        if (secretPaths.includes(name) || Object.hasOwn(system.deployed, name)) continue;
        const ref = "$ref" in prop ? prop.$ref.replace("#/types/", "") : undefined;
        const properties = ref === undefined ? undefined : schema.types[ref]?.properties;
        if (properties === undefined) {
            out.plain.push(name);
        } else {
            out.groups[name] = Object.keys(properties).filter((key) => !secretPaths.includes(`${name}.${key}`));
        }
    }
    // Sorted, so that moving an argument into a shared interface changes nothing here.
    out.plain = ["enabled", ...out.plain.slice(1).sort()];
    out.groups = Object.fromEntries(Object.entries(out.groups).sort(([a], [b]) => a.localeCompare(b)));
    return out;
}

/** Every system's stack-config keys, by config key. */
export function allConfigKeys(schema: PackageSpec): Record<string, ConfigKeys> {
    return Object.fromEntries(STATEFUL_SYSTEMS.map((s) => [s.key, configKeys(schema, s)]));
}
