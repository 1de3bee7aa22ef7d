/**
 * Runs the real stack program (`stacks/program.ts`) under the mock runtime with a stack's config file,
 * and turns what it registers into Kubernetes manifests. Used by `npm run render`, the tests and the
 * benchmarks, so all three see exactly what the program registers.
 */
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { STATEFUL_SYSTEMS, standInSecret } from "../components/systems";
import { PROJECT } from "../stacks/config";
import { deployStack } from "../stacks/program";
import { MockRun, Registration, mapSecrets } from "./mock-runtime";

/** Folder holding `Pulumi.<stack>.yaml`. */
export const STACKS_DIR = path.resolve(__dirname, "..", "stacks");

/** What a redacted secret value is replaced with in rendered manifests. */
export const REDACTED = "<secret: set by pulumi up from the stack's secret config>";

/** Reads `stacks/Pulumi.<stack>.yaml` into `project:key` -> string form (objects as JSON), as the CLI passes config. */
export function loadStackConfig(stack: string): Record<string, string> {
    const file = path.join(STACKS_DIR, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        const known = fs
            .readdirSync(STACKS_DIR)
            .filter((f) => /^Pulumi\..+\.yaml$/.test(f))
            .map((f) => f.slice(7, -5));
        throw new Error(`unknown stack "${stack}": no ${file}; stacks: ${known.join(", ")}`);
    }
    const doc = (yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(doc.config ?? {})) {
        if (typeof value === "object" && value !== null && "secure" in value) continue; // encrypted: supplied by the caller
        out[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return out;
}

/**
 * Placeholder values for every secret key of the stack config, used when rendering without the Pulumi
 * CLI (they are redacted on output): each system's stand-in (see `standInSecret`).
 */
export const PLACEHOLDER_SECRETS: Record<string, string> = Object.fromEntries(
    STATEFUL_SYSTEMS.flatMap((system) => Object.values(system.secrets)).map(({ configKey }) => [
        `${PROJECT}:${configKey}`,
        standInSecret(configKey, "render-placeholder"),
    ]),
);

/** Options of {@link runStack}. */
export interface RunStackOptions {
    /** Config values merged over the stack file (`project:key` -> string). */
    overrides?: Record<string, string>;
    /** Secret config values; defaults to {@link PLACEHOLDER_SECRETS}. */
    secrets?: Record<string, string>;
    /** The stack's previous `replicas` output, as its StackReference to itself would report it. */
    previousReplicas?: Record<string, number>;
    /** Run as a preview. */
    preview?: boolean;
    /** Use exactly this config instead of the stack file (for synthetic stacks). */
    config?: Record<string, string>;
}

/** The result of a mock run of the stack program. */
export interface StackRun {
    /** Everything registered. */
    run: MockRun;
    /** The stack's outputs. */
    outputs: Record<string, unknown>;
    /** Effective resource options of every resource created inside a component, by `type::name`. */
    options: Map<string, { protect: boolean; ignoreChanges: string[] }>;
}

/** Runs the stack program for `stack` under mocks. */
export async function runStack(stack: string, options: RunStackOptions = {}): Promise<StackRun> {
    const secrets = options.secrets ?? PLACEHOLDER_SECRETS;
    const config = { ...(options.config ?? loadStackConfig(stack)), ...secrets, ...(options.overrides ?? {}) };
    const run = await MockRun.start({
        stack,
        preview: options.preview,
        config,
        secretKeys: Object.keys(secrets),
        stackReferenceOutputs: options.previousReplicas === undefined ? {} : { replicas: options.previousReplicas },
    });
    // Record each component's and child's options; protect is inherited from the parent when unset.
    const seen = new Map<pulumi.Resource, { key: string; opts: pulumi.ResourceOptions }>();
    const outputs = await deployStack({
        transformations: [
            (args) => {
                seen.set(args.resource, { key: `${args.type}::${args.name}`, opts: args.opts });
                return undefined;
            },
        ],
    });
    await run.settle();
    const protect = (opts: pulumi.ResourceOptions | undefined): boolean =>
        opts?.protect ?? (opts?.parent === undefined ? false : protect(seen.get(opts.parent)?.opts));
    const recorded = new Map<string, { protect: boolean; ignoreChanges: string[] }>();
    for (const { key, opts } of seen.values()) recorded.set(key, { protect: protect(opts), ignoreChanges: opts.ignoreChanges ?? [] });
    return { run, outputs, options: recorded };
}

/** Replaces every leaf of a secret value by {@link REDACTED}, keeping its shape (a map stays a map). */
function redactLeaves(value: unknown): unknown {
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactLeaves(v)]));
    }
    return REDACTED;
}

/** A Kubernetes manifest. */
export type Manifest = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };

/** The manifest a registration describes; secret values are replaced by {@link REDACTED}. */
export function toManifest(r: Registration): Manifest {
    const redacted = mapSecrets(r.inputs, redactLeaves) as Record<string, unknown>;
    const { apiVersion, kind, metadata, ...rest } = redacted;
    return { apiVersion, kind, metadata, ...rest } as Manifest;
}

/** Every Kubernetes object of a run, as manifests, in registration order. */
export function manifests(run: MockRun): Manifest[] {
    return run.kubernetesObjects().map(toManifest);
}

/** File name of a manifest in a rendered folder: `<namespace>.<kind>.<name>.yaml` (`_cluster` when cluster-scoped). */
export function manifestFileName(m: Manifest): string {
    return `${m.metadata.namespace ?? "_cluster"}.${m.kind.toLowerCase()}.${m.metadata.name}.yaml`;
}
