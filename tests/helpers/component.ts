/** Small helpers for component tests. */
import * as pulumi from "@pulumi/pulumi";
import { MockRun, Registration, isSecretValue } from "../../render/mock-runtime";

/** Constructs resources under fresh mocks and waits for every registration. */
export async function register(build: () => void, preview = false): Promise<MockRun> {
    const run = await MockRun.start({ preview });
    build();
    return run.settle();
}

/** The env of the main container of a StatefulSet registration, as a name -> value-or-valueFrom map. */
export function envOf(sts: Registration): Record<string, unknown> {
    const spec = sts.inputs.spec as {
        template: { spec: { containers: { env: { name: string; value?: string; valueFrom?: unknown }[] }[] } };
    };
    return Object.fromEntries(spec.template.spec.containers[0].env.map((e) => [e.name, e.value ?? e.valueFrom]));
}

/** The pod spec of a StatefulSet registration. */
export function podSpecOf(sts: Registration): Record<string, any> {
    return (sts.inputs.spec as { template: { spec: Record<string, any> } }).template.spec;
}

/** Asserts-friendly list of `type::name` of every child registered under a component type. */
export function childrenOf(run: MockRun, componentType: string): string[] {
    return run.registrations
        .filter((r) => r.urn?.includes(`${componentType}$`))
        .map((r) => `${r.type}::${r.name}`)
        .sort();
}

/** True when every value of a Secret's `stringData` in the listed keys is marked secret. */
export function secretKeysAreSecret(secret: Registration, keys: string[]): boolean {
    const data = secret.inputs.stringData;
    if (isSecretValue(data)) return true;
    return keys.every((k) => isSecretValue((data as Record<string, unknown>)[k]));
}

/** JSON of every registration except those named, with secret markers unwrapped, to search for leaked values. */
export function everythingExcept(run: MockRun, names: string[]): string {
    return JSON.stringify(run.registrations.filter((r) => !names.includes(r.name)).map((r) => r.inputs));
}

/** Records the resource options every child of a component was registered with (through a transformation). */
export function optionsRecorder(): {
    opts: pulumi.ComponentResourceOptions;
    of(name: string): pulumi.ResourceOptions;
    dependsOnNames(name: string): string[];
} {
    const seen = new Map<string, pulumi.ResourceOptions>();
    const of = (name: string): pulumi.ResourceOptions => {
        const found = seen.get(name);
        if (found === undefined) throw new Error(`no child named ${name}; seen: ${[...seen.keys()].join(", ")}`);
        return found;
    };
    return {
        opts: {
            transformations: [
                (args) => {
                    seen.set(args.name, args.opts);
                    return undefined;
                },
            ],
        },
        of,
        dependsOnNames: (name) => {
            const deps = of(name).dependsOn;
            const list = deps === undefined ? [] : Array.isArray(deps) ? deps : [deps];
            return list.map((d) => (d as unknown as { __name: string }).__name).sort();
        },
    };
}
