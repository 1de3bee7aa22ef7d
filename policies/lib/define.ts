/**
 * The one way a policy of the pack is written: {@link statefulPolicy} takes everything that is known
 * about it (name, description, default enforcement, what it protects against for the docs' table, the
 * defaults of its config and its check) and returns the policy the registry lists. The config schema
 * the CLI validates and fills in is derived from the defaults, so each setting is declared once.
 */
import {
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";

/** A config setting: a string, a flag or a list of strings (all the pack's policies need). */
export type PolicySetting = string | boolean | string[];

/** The settings of a policy (`C`, an interface of its config): every one a {@link PolicySetting}. */
export type PolicySettings<C> = { [K in keyof C]: PolicySetting };

/** What every policy of the pack declares, whatever it checks. */
interface PolicyDefinitionBase<C extends PolicySettings<C>> {
    /** Its name (stable: pack configs such as `policies/production.json` refer to it). */
    name: string;
    /** What it requires, why, and the fix (shown by the CLI with each violation). */
    description: string;
    /** Its default enforcement level (a pack config may override it). */
    enforcementLevel: Extract<EnforcementLevel, "advisory" | "mandatory">;
    /** What it protects against, one Markdown cell of the table in docs/policy-pack.md. */
    protectsAgainst: string;
    /** Its settings with their defaults; the config schema is derived from them. */
    config?: C;
}

/** A policy that checks one resource at a time. */
export interface ResourcePolicyDefinition<C extends PolicySettings<C>> extends PolicyDefinitionBase<C> {
    /** Reports the resource's violations, given the config with its defaults filled in. */
    validateResource: (args: ResourceValidationArgs, report: ReportViolation, config: C) => void;
}

/** A policy that checks the whole stack. */
export interface StackPolicyDefinition<C extends PolicySettings<C>> extends PolicyDefinitionBase<C> {
    /** Reports the stack's violations, given the config with its defaults filled in. */
    validateStack: (args: StackValidationArgs, report: ReportViolation, config: C) => void;
}

/** What a policy of the pack adds to the SDK's policy: its cell of the docs' table. */
export interface PolicyDocs {
    /** What it protects against, one Markdown cell of the table in docs/policy-pack.md. */
    protectsAgainst: string;
}

/** A policy of the pack, as the registry lists it (the SDK reads the policy fields and ignores the rest). */
export type StatefulPolicy = (ResourceValidationPolicy | StackValidationPolicy) & PolicyDocs;

/** The JSON schema of one setting, from its default. */
function settingSchema(value: PolicySetting): PolicyConfigSchema["properties"][string] {
    if (Array.isArray(value)) return { type: "array", items: { type: "string" }, default: value };
    return { type: typeof value === "boolean" ? "boolean" : "string", default: value };
}

/** The config schema of a policy's settings (undefined when it has none). */
export function configSchemaOf<C extends PolicySettings<C>>(config: C | undefined): PolicyConfigSchema | undefined {
    if (config === undefined) return undefined;
    return { properties: Object.fromEntries(Object.entries<PolicySetting>(config).map(([key, value]) => [key, settingSchema(value)])) };
}

/** Builds a policy of the pack that checks one resource at a time. */
export function statefulPolicy<C extends PolicySettings<C> = Record<string, never>>(
    def: ResourcePolicyDefinition<C>,
): ResourceValidationPolicy & PolicyDocs;
/** Builds a policy of the pack that checks the whole stack. */
export function statefulPolicy<C extends PolicySettings<C> = Record<string, never>>(
    def: StackPolicyDefinition<C>,
): StackValidationPolicy & PolicyDocs;
export function statefulPolicy<C extends PolicySettings<C>>(def: ResourcePolicyDefinition<C> | StackPolicyDefinition<C>): StatefulPolicy {
    const { name, description, enforcementLevel, protectsAgainst, config } = def;
    const schema = configSchemaOf(config);
    const settings = (given: Partial<C>): C => ({ ...(config ?? {}), ...given }) as C;
    const common = { name, description, enforcementLevel, ...(schema === undefined ? {} : { configSchema: schema }), protectsAgainst };
    if ("validateStack" in def) {
        const check = def.validateStack;
        return {
            ...common,
            validateStack: (args, report) => check(args, report, settings(args.getConfig<Partial<C>>())),
        };
    }
    const check = def.validateResource;
    return {
        ...common,
        validateResource: (args, report) => check(args, report, settings(args.getConfig<Partial<C>>())),
    };
}
