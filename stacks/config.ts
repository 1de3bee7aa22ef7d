/**
 * Stack configuration: one structured object per system, validated as a whole before any resource is
 * registered. Pure functions only; `program.ts` wires the result to the components.
 */
import { withValueAt } from "../components/lib/system";
import { STATEFUL_SYSTEMS } from "../components/systems";
import { ArgProblem, ArgsError, checkBoolean, checkDnsLabel, checkOneOf } from "../components/lib/validation";
import GENERATED_KEYS from "./config-keys.json";

/** The project name, which is also the namespace of every config key (`stateful-k8s:<key>`). */
export const PROJECT = "stateful-k8s";

/** The systems a stack can enable (their config keys), in deployment order: the registry's. */
export const SYSTEMS: readonly string[] = STATEFUL_SYSTEMS.map((s) => s.key);
/** One of {@link SYSTEMS}. */
export type SystemName = string;

/** Secret config keys (set with `pulumi config set --secret <key> <value>`), by system and arg path. */
export const SECRET_KEYS: Record<SystemName, Record<string, string>> = Object.fromEntries(
    STATEFUL_SYSTEMS.map((s) => [s.key, Object.fromEntries(Object.entries(s.secrets).map(([arg, secret]) => [arg, secret.configKey]))]),
);

/**
 * Keys each system's config object accepts, with the nested groups' keys: every argument of its
 * component but the secrets and the deployed counts, derived from the package schema by
 * `npm run generate` (a unit test fails when the file is stale).
 */
export const SYSTEM_KEYS: Record<SystemName, { plain: readonly string[]; groups: Record<string, readonly string[]> }> = GENERATED_KEYS;

/** Stack-wide keys besides the systems and their secrets. */
export const STACK_KEYS = ["environment", "namespace", "createNamespaces", "production"] as const;

/** Allowed values of `stateful-k8s:environment`. */
export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;

/** The validated settings of one stack. */
export interface StackSettings {
    /** dev, staging or prod. */
    environment: string;
    /** Whether this is a production stack. */
    production: boolean;
    /** Default namespace of every system. */
    namespace: string;
    /** Whether the program creates the namespaces it uses. */
    createNamespaces: boolean;
    /** Args of each enabled system by its config key (secrets still to be attached); absent when disabled. */
    systems: Record<SystemName, Record<string, unknown>>;
}

const PLACEHOLDER_SECRET = "placeholder-secret-value-for-validation-0123456789";

function parseValue(raw: string | undefined): unknown {
    if (raw === undefined) return undefined;
    try {
        return JSON.parse(raw);
    } catch {
        return raw;
    }
}

function checkKnownKeys(problems: ArgProblem[], system: SystemName, obj: Record<string, unknown>): void {
    const spec = Object.hasOwn(SYSTEM_KEYS, system) ? SYSTEM_KEYS[system] : undefined;
    if (spec === undefined) throw new Error(`stacks/config-keys.json has no keys for the system "${system}": run npm run generate`);
    for (const [key, value] of Object.entries(obj)) {
        // Own keys only: a key such as "constructor" or "toString" names no group.
        const group = Object.hasOwn(spec.groups, key) ? spec.groups[key] : undefined;
        if (group !== undefined) {
            if (typeof value !== "object" || value === null || Array.isArray(value)) {
                problems.push({ path: `${system}.${key}`, value, allowed: `an object with keys ${group.join(", ")}` });
                continue;
            }
            for (const inner of Object.keys(value)) {
                if (!group.includes(inner)) {
                    problems.push({
                        path: `${system}.${key}.${inner}`,
                        value: (value as Record<string, unknown>)[inner],
                        allowed: `one of the keys ${group.join(", ")}`,
                    });
                }
            }
        } else if (!spec.plain.includes(key)) {
            const hint = Object.hasOwn(SECRET_KEYS[system], key)
                ? ` (secrets are separate keys: pulumi config set --secret ${SECRET_KEYS[system][key]} ...)`
                : "";
            problems.push({
                path: `${system}.${key}`,
                value,
                allowed: `one of the keys ${[...spec.plain, ...Object.keys(spec.groups)].join(", ")}${hint}`,
            });
        }
    }
}

/**
 * Parses and validates a stack's whole configuration.
 * @param all Every config value, keyed `project:key`, as `pulumi.runtime.allConfig()` returns them.
 * @throws ArgsError naming every bad config path, its value and what is allowed.
 */
export function parseStackConfig(all: Record<string, string>): StackSettings {
    const problems: ArgProblem[] = [];
    // No prototype: a key named "__proto__" is a key like any other (and refused as unknown), never the prototype.
    const mine: Record<string, unknown> = Object.create(null);
    for (const [fullKey, raw] of Object.entries(all)) {
        const [ns, ...rest] = fullKey.split(":");
        if (ns === PROJECT) mine[rest.join(":")] = parseValue(raw);
    }
    // A key such as backupAccessKeyId serves several systems: listed once.
    const secretKeyNames = [...new Set(SYSTEMS.flatMap((s) => Object.values(SECRET_KEYS[s])))];
    for (const key of Object.keys(mine)) {
        if (
            !(SYSTEMS as readonly string[]).includes(key) &&
            !(STACK_KEYS as readonly string[]).includes(key) &&
            !secretKeyNames.includes(key)
        ) {
            problems.push({
                path: key,
                value: mine[key],
                allowed: `a known key: ${[...SYSTEMS, ...STACK_KEYS, ...secretKeyNames].join(", ")}`,
            });
        }
    }
    const environment = mine.environment ?? "dev";
    checkOneOf(problems, "environment", environment, ENVIRONMENTS);
    // Defaults derive from the environment only when it is a string (anything else is refused above).
    const namespace = mine.namespace ?? `stateful-${typeof environment === "string" ? environment : "dev"}`;
    checkDnsLabel(problems, "namespace", namespace);
    checkBoolean(problems, "createNamespaces", mine.createNamespaces);
    checkBoolean(problems, "production", mine.production);

    const settings: StackSettings = {
        environment: typeof environment === "string" ? environment : "dev",
        production: (mine.production as boolean | undefined) ?? environment === "prod",
        namespace: typeof namespace === "string" ? namespace : "",
        createNamespaces: (mine.createNamespaces as boolean | undefined) ?? true,
        systems: {},
    };

    for (const binding of STATEFUL_SYSTEMS) {
        const system = binding.key;
        const raw = mine[system];
        if (raw === undefined) continue;
        if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
            problems.push({ path: system, value: raw, allowed: "an object such as { enabled: true, replicas: 3 }" });
            continue;
        }
        const obj = raw as Record<string, unknown>;
        checkKnownKeys(problems, system, obj);
        checkBoolean(problems, `${system}.enabled`, obj.enabled);
        if (obj.enabled === false) continue;
        const { enabled: _enabled, ...args } = obj;
        const withNamespace: Record<string, unknown> = { namespace: settings.namespace, ...args };
        // Secrets are validated for presence with their own config key names, and the args with a stand-in.
        let candidate: Record<string, unknown> = { ...withNamespace };
        for (const [argPath, configKey] of Object.entries(SECRET_KEYS[system])) {
            const parentPath = argPath.split(".").slice(0, -1);
            const parent = parentPath.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], withNamespace);
            const needed = parentPath.length === 0 || (typeof parent === "object" && parent !== null);
            if (!needed) continue;
            const value = mine[configKey];
            if (value === undefined || value === "") {
                problems.push({
                    path: configKey,
                    value: undefined,
                    allowed: `a secret: pulumi config set --secret ${configKey} <value> (needed by ${system})`,
                });
            }
            const standIn = parentPath.length === 0 && typeof value === "string" && value !== "" ? value : PLACEHOLDER_SECRET;
            candidate = withValueAt(candidate, argPath, standIn);
        }
        const found = binding.validate(system, candidate);
        const secretPaths = SECRET_KEYS[system];
        for (const p of found) {
            problems.push(Object.hasOwn(secretPaths, p.path) ? { ...p, path: secretPaths[p.path] } : { ...p, path: `${system}.${p.path}` });
        }
        settings.systems[system] = withNamespace;
    }
    if (problems.length > 0) {
        throw new ArgsError("stack configuration", problems, `${PROJECT}:`);
    }
    return settings;
}
