/**
 * Runs Pulumi programs and components under the SDK's mock runtime, with no engine and no cluster,
 * and records every resource they register. Shared by the tests, `npm run render` and the benchmarks.
 * Uses the SDK's public API (`pulumi.runtime.setMocks`, `getMonitor`, the `MockMonitor`'s registered
 * resources, the secret signature constants) but for one call: see {@link waitForRPCs}.
 */
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import * as settings from "@pulumi/pulumi/runtime/settings";

/**
 * Waits for the SDK's queue of outstanding RPCs to drain. The SDK exports it but marks it internal; its
 * only public caller, `pulumi.runtime.disconnect()`, also closes the monitor, which would end the run
 * (tests register more resources after a settle).
 */
const waitForRPCs = (settings as unknown as { waitForRPCs: () => Promise<void> }).waitForRPCs;

/** The signature key and value the SDK uses to mark a secret value on the wire. */
const SECRET_SIG_KEY = pulumi.runtime.specialSigKey;
const SECRET_SIG = pulumi.runtime.specialSecretSig;

/** One resource registration as the engine would have received it. */
export interface Registration {
    /** Type token, for example `kubernetes:apps/v1:StatefulSet`. */
    type: string;
    /** Pulumi (logical) name. */
    name: string;
    /** Inputs; secret values are wrapped (see {@link isSecretValue}). */
    inputs: Record<string, unknown>;
    /** Whether this is a custom resource (false for components). */
    custom: boolean;
    /** The URN, which encodes the parent chain (filled in by {@link MockRun.settle}). */
    urn?: string;
}

/** Options of a mock run. */
export interface MockRunOptions {
    /** Project name. @default "stateful-k8s" */
    project?: string;
    /** Stack name. @default "test" */
    stack?: string;
    /** Whether to run as a preview (outputs of resources are unknown). @default false */
    preview?: boolean;
    /** Stack configuration, keys fully qualified (`project:key`), values as the CLI would pass them (objects as JSON). */
    config?: Record<string, string>;
    /** Which config keys are secret. */
    secretKeys?: string[];
    /** Outputs a StackReference to any stack reports (the stack's previous outputs). @default {} */
    stackReferenceOutputs?: Record<string, unknown>;
}

/** True when a recorded input value is a secret wrapper. */
export function isSecretValue(value: unknown): value is { value: unknown } {
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG;
}

/** Replaces every secret wrapper in `value` with `replace(innerValue)`. */
export function mapSecrets(value: unknown, replace: (inner: unknown) => unknown): unknown {
    if (isSecretValue(value)) {
        return replace(value.value);
    }
    if (Array.isArray(value)) {
        return value.map((v) => mapSecrets(v, replace));
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapSecrets(v, replace)]));
    }
    return value;
}

/** A mock run: install it, construct resources, then {@link settle} and inspect {@link registrations}. */
export class MockRun {
    /** Every registration, in order. */
    public readonly registrations: Registration[] = [];

    private constructor() {}

    /** Installs the mocks (and the configuration) for a new run; replaces any previous run. */
    public static async start(options: MockRunOptions = {}): Promise<MockRun> {
        const run = new MockRun();
        pulumi.runtime.setAllConfig(options.config ?? {}, options.secretKeys ?? []);
        await pulumi.runtime.setMocks(
            {
                newResource: (args: pulumi.runtime.MockResourceArgs) => {
                    run.registrations.push({ type: args.type, name: args.name, inputs: args.inputs, custom: args.custom ?? true });
                    if (args.type === "pulumi:pulumi:StackReference") {
                        return { id: args.inputs.name, state: { name: args.inputs.name, outputs: options.stackReferenceOutputs ?? {} } };
                    }
                    return { id: `${args.name}-id`, state: args.inputs };
                },
                call: (args: pulumi.runtime.MockCallArgs) => {
                    throw new Error(`Mock not implemented: ${args.token}`);
                },
            },
            options.project ?? "stateful-k8s",
            options.stack ?? "test",
            options.preview ?? false,
            "organization",
        );
        return run;
    }

    /** Waits until every outstanding registration has reached the mock monitor, then fills in URNs. */
    public async settle(): Promise<this> {
        await waitForRPCs();
        await new Promise((resolve) => setImmediate(resolve));
        await waitForRPCs();
        // Under mocks the monitor is the SDK's MockMonitor, whose registered resources are keyed by URN.
        const monitor = pulumi.runtime.getMonitor();
        const urns = monitor instanceof MockMonitor ? [...monitor.getRegisteredResources().keys()] : [];
        for (const r of this.registrations) {
            r.urn = urns.find((u) => u.endsWith(`::${r.name}`) && u.split("::")[2].split("$").pop() === r.type);
        }
        return this;
    }

    /** Registrations of one type token. */
    public ofType(type: string): Registration[] {
        return this.registrations.filter((r) => r.type === type);
    }

    /** The one registration with this Pulumi name; throws when there is none. */
    public named(name: string): Registration {
        const found = this.registrations.find((r) => r.name === name);
        if (found === undefined) {
            throw new Error(`no resource named ${name}; registered: ${this.registrations.map((r) => r.name).join(", ")}`);
        }
        return found;
    }

    /** Kubernetes objects only (custom resources of the kubernetes package). */
    public kubernetesObjects(): Registration[] {
        return this.registrations.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
    }
}

/** Resolves an Output to its value (undefined when unknown). */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(output).apply((v) => resolve(v as T)));
}
