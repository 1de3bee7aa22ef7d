/**
 * The Pulumi program of every stack: read and validate the stack's config, then deploy the systems it
 * enables. Nothing is registered with Kubernetes until the whole config has been validated.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { withValueAt } from "../components/lib/system";
import { STATEFUL_SYSTEMS } from "../components/systems";
import { PROJECT, StackSettings, parseStackConfig } from "./config";

/**
 * Replica counts the stack deployed last time, read from its own previous outputs (`replicas`)
 * through a StackReference to itself; empty on the first deployment.
 */
export async function deployedReplicas(): Promise<Record<string, number>> {
    const self = new pulumi.StackReference(`${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`);
    const details = await self.getOutputDetails("replicas");
    const value = details.value ?? details.secretValue;
    return typeof value === "object" && value !== null ? (value as Record<string, number>) : {};
}

/**
 * Deploys the stack; the returned object becomes the stack's outputs.
 * @param extra Resource options added to every component (tests pass transformations that record options).
 */
export async function deployStack(extra: pulumi.ComponentResourceOptions = {}): Promise<Record<string, unknown>> {
    const settings: StackSettings = parseStackConfig(pulumi.runtime.allConfig());
    const config = new pulumi.Config(PROJECT);
    const secret = (key: string) => config.requireSecret(key);
    // What the last update deployed: components check changes against it, and the stack warns about edits
    // that an autoscaler makes void.
    const previous = Object.keys(settings.systems).length > 0 ? await deployedReplicas() : {};

    const namespaces = new Map<string, k8s.core.v1.Namespace>();
    const namespaceOf = (name: string): pulumi.ComponentResourceOptions => {
        if (!settings.createNamespaces) return {};
        let ns = namespaces.get(name);
        if (ns === undefined) {
            // Retained on destroy: deleting a namespace deletes every claim in it, and claims outlive the stack.
            ns = new k8s.core.v1.Namespace(
                `ns-${name}`,
                {
                    metadata: {
                        name,
                        labels: { "app.kubernetes.io/part-of": "stateful-k8s", "stateful-k8s.io/environment": settings.environment },
                    },
                },
                { retainOnDelete: true },
            );
            namespaces.set(name, ns);
        }
        return { dependsOn: [ns] };
    };
    // Production stacks protect every component, and so every child: pulumi destroy cannot delete data.
    const componentOptions = (name: string): pulumi.ComponentResourceOptions => ({
        ...extra,
        ...namespaceOf(name),
        protect: settings.production,
    });

    const outputs: Record<string, unknown> = { environment: settings.environment };
    const replicas: Record<string, number> = {};

    for (const system of STATEFUL_SYSTEMS) {
        const args = settings.systems[system.key];
        if (args === undefined) continue;
        let full: Record<string, unknown> = { ...args };
        for (const [argPath, { configKey }] of Object.entries(system.secrets)) {
            // Only where the secret's group is set: the key of an unset group need not exist.
            const parent = argPath
                .split(".")
                .slice(0, -1)
                .reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], full);
            if (argPath.includes(".") && (typeof parent !== "object" || parent === null)) continue;
            full = withValueAt(full, argPath, secret(configKey));
        }
        for (const [arg, countKey] of Object.entries(system.deployed)) full[arg] = previous[countKey];
        const component = new system.component(
            system.key,
            full,
            componentOptions((args.namespace as string | undefined) ?? settings.namespace),
        );
        outputs[system.key] = system.outputs(component);
        Object.assign(replicas, system.counts(component));
    }
    warnAboutVoidReplicaEdits(settings, replicas, previous);
    outputs.replicas = replicas;
    return outputs;
}

/**
 * The message for a `replicas` edit that cannot take effect because an autoscaler owns the count
 * (Pulumi sets `replicas` only at creation, then leaves the field to the HPA); undefined when the edit is
 * effective or there is no edit.
 */
export function voidReplicaEdit(system: string, configured: number, deployed: number | undefined): string | undefined {
    if (deployed === undefined || configured === deployed) return undefined;
    return (
        `${system}.replicas: changed from ${deployed} to ${configured}, which has no effect: ` +
        `${system}.autoscaling is set, so the HorizontalPodAutoscaler owns the replica count. ` +
        `Scale with ${system}.autoscaling.minReplicas and ${system}.autoscaling.maxReplicas ` +
        `(pulumi config set --path ${system}.autoscaling.minReplicas <n>).`
    );
}

/** Warns, at preview and update, about each autoscaled system whose `replicas` was edited. */
function warnAboutVoidReplicaEdits(settings: StackSettings, replicas: Record<string, number>, previous: Record<string, number>): void {
    for (const [system, args] of Object.entries(settings.systems)) {
        if (args.autoscaling === undefined) continue;
        const message = voidReplicaEdit(system, replicas[system], previous[system]);
        if (message !== undefined) pulumi.log.warn(message);
    }
}
