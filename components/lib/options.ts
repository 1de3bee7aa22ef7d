/** Resource options of a component's children: parent, ordering, protection, and who owns `replicas`. */
import * as pulumi from "@pulumi/pulumi";

/** Options for a component's children: parented to it, and ordered after what the component itself depends on. */
export function childOptions(parent: pulumi.Resource, opts: pulumi.ComponentResourceOptions | undefined): pulumi.CustomResourceOptions {
    return opts?.dependsOn === undefined ? { parent } : { parent, dependsOn: opts.dependsOn };
}

/**
 * Options of a ConfigMap or Secret child: never protected. Whatever uses one must name it by its literal
 * name and order itself after it with `dependsOn` (see {@link dependingOn}), never through its
 * `metadata.name` output: a replacement of the ConfigMap (delete first, same name) would otherwise force
 * the engine to replace everything whose inputs come from that output, StatefulSets included.
 *
 * Never protected. They hold configuration, not data, and the
 * Kubernetes provider replaces a ConfigMap or Secret whose data changes (delete, then create under the
 * same name), which `protect` would refuse: a protected production stack could then neither scale Redis
 * (its topology ConfigMap) nor rotate a password nor take a new script.
 */
export function configurationOptions(options: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
    return { ...options, protect: false };
}

/** `options` with `resources` added to its `dependsOn` (the program passes arrays of resources). */
export function dependingOn<T extends pulumi.ResourceOptions>(options: T, resources: pulumi.Resource[]): T {
    const existing = options.dependsOn;
    const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing as pulumi.Input<pulumi.Resource>];
    return { ...options, dependsOn: [...list, ...resources] };
}

/**
 * Options of an object whose `spec.replicas` an autoscaler owns when `autoscaled`: Pulumi sets the count
 * at creation only and ignores later changes, so an update never resets what the autoscaler chose.
 */
export function autoscaledOptions<T extends pulumi.ResourceOptions>(options: T, autoscaled: boolean): T {
    return autoscaled ? { ...options, ignoreChanges: ["spec.replicas"] } : options;
}
