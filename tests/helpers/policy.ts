/**
 * Runs the pack's policies without the Pulumi CLI: builds the arguments the policy server would pass
 * (resources, options, config with the schema defaults the CLI applies) and collects the violations.
 */
import {
    EnforcementLevel,
    Policy,
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import * as pulumi from "@pulumi/pulumi";
import { ALL_POLICIES } from "../../policies/all";
import { MockRun } from "../../render/mock-runtime";
import { StackRun } from "../../render/stack-runner";

/** One reported violation. */
export interface Violation {
    /** Name of the policy that reported it. */
    policy: string;
    /** Its effective enforcement level. */
    level: EnforcementLevel;
    /** The message. */
    message: string;
}

/**
 * Policies that judge a stack's readiness for production (protection from deletion, backups): advisory
 * unless policies/production.json makes them mandatory, so every unprotected, un-backed-up program draws
 * them; harnesses that check which policy catches a case ignore them unless the case expects one.
 */
export const PRODUCTION_POLICIES: readonly string[] = ["production-data-protected", "backup-schedule"];

/** Per-policy config, as in a `--policy-pack-config` file (`{ "<policy>": { enforcementLevel?, ...props } | level }`). */
export type PackConfig = Record<string, EnforcementLevel | Record<string, unknown>>;

/** A policy resource with the given type, name, props and options. */
export function resource(
    type: string,
    name: string,
    props: Record<string, unknown>,
    opts: { protect?: boolean; ignoreChanges?: string[] } = {},
): PolicyResource {
    return {
        type,
        name,
        props,
        urn: `urn:pulumi:test::project::${type}::${name}`,
        opts: {
            protect: opts.protect ?? false,
            ignoreChanges: opts.ignoreChanges ?? [],
            aliases: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
            additionalSecretOutputs: [],
        },
        dependencies: [],
        propertyDependencies: {},
        isType: () => false,
        asType: () => undefined,
    } as unknown as PolicyResource;
}

/** The config a policy sees: its schema's defaults overlaid with the pack config's properties (as the CLI does). */
function configFor(policy: Policy, config: PackConfig): Record<string, unknown> {
    const defaults = Object.fromEntries(
        Object.entries(policy.configSchema?.properties ?? {}).map(([k, v]) => [k, (v as { default?: unknown }).default]),
    );
    const entry = config[policy.name];
    const own = typeof entry === "object" ? Object.fromEntries(Object.entries(entry).filter(([k]) => k !== "enforcementLevel")) : {};
    return { ...defaults, ...own };
}

function levelFor(policy: Policy, config: PackConfig): EnforcementLevel {
    const entry = config[policy.name] ?? config.all;
    if (typeof entry === "string") return entry;
    return (entry?.enforcementLevel as EnforcementLevel | undefined) ?? policy.enforcementLevel ?? "advisory";
}

/** Runs one policy (resource or stack) over `resources`; returns its messages. */
export async function runPolicy(policy: Policy, resources: PolicyResource[], config: PackConfig = {}): Promise<string[]> {
    const messages: string[] = [];
    const cfg = configFor(policy, config);
    if ("validateStack" in policy) {
        const args = { resources, getConfig: () => cfg, stackTags: new Map() } as unknown as StackValidationArgs;
        await (policy as StackValidationPolicy).validateStack(args, (message) => messages.push(message));
        return messages;
    }
    const validators = (policy as ResourceValidationPolicy).validateResource;
    for (const r of resources) {
        const args = {
            type: r.type,
            props: r.props,
            urn: r.urn,
            name: r.name,
            opts: r.opts,
            stackTags: new Map(),
            getConfig: () => cfg,
            isType: () => false,
            asType: () => undefined,
            notApplicable: () => undefined,
        } as unknown as ResourceValidationArgs;
        for (const validate of Array.isArray(validators) ? validators : validators === undefined ? [] : [validators]) {
            await validate(args, (message) => messages.push(message));
        }
    }
    return messages;
}

/** Runs every policy of the pack; returns every violation with its policy and level. */
export async function runPack(resources: PolicyResource[], config: PackConfig = {}): Promise<Violation[]> {
    const out: Violation[] = [];
    for (const policy of ALL_POLICIES) {
        const level = levelFor(policy, config);
        if (level === "disabled") continue;
        for (const message of await runPolicy(policy, resources, config)) out.push({ policy: policy.name, level, message });
    }
    return out;
}

/** What a mock run of the stack program registered, as the policy server would see it. */
export function stackResources(stack: StackRun): PolicyResource[] {
    return stack.run.registrations.map((r) => {
        const opts = stack.options.get(`${r.type}::${r.name}`);
        return resource(r.type, r.name, r.inputs, opts);
    });
}

/**
 * Runs a program (a function registering resources with the options it is given) under the mock runtime
 * and returns what it registered as the policy server would see it, with `protect` and `ignoreChanges`.
 */
export async function programResources(build: (opts: pulumi.CustomResourceOptions) => void): Promise<PolicyResource[]> {
    const seen = new Map<string, pulumi.ResourceOptions>();
    const opts: pulumi.CustomResourceOptions = {
        transformations: [
            (a) => {
                seen.set(`${a.type}::${a.name}`, a.opts);
                return undefined;
            },
        ],
    };
    const run = await MockRun.start({});
    build(opts);
    await run.settle();
    return run.registrations.map((r) =>
        resource(r.type, r.name, r.inputs, {
            protect: seen.get(`${r.type}::${r.name}`)?.protect,
            ignoreChanges: seen.get(`${r.type}::${r.name}`)?.ignoreChanges,
        }),
    );
}
